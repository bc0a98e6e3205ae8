"""Feedback on drafts -> SFT examples and preference pairs that `train sft` reads."""

from __future__ import annotations

from pathlib import Path

from copydesk.state.drafts import DraftStore
from chains.training_data.feedback import edited_fields, export_feedback
from copydesk.domain import Draft, Feedback, Product
from generators.training.examples import load_split, read_examples

MUG = Product(sku="mug-1", title="Acme Mug", brand="Acme", attributes={"Colour": "Red", "Capacity": "350 ml"},
              description="A red mug that holds 350 ml.")


class OneProductCatalog:
    def get(self, sku: str) -> Product | None:
        return MUG if sku == MUG.sku else None


def test_approvals_edits_and_rejections_become_sft_examples_and_pairs(tmp_path: Path, settings) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite3")
    first = store.save(Draft(sku="mug-1", title="Acme Mug Red", description="A red mug."))
    second = store.save(Draft(sku="mug-1", title="Acme Mug Red 350 ml", description="A red mug for 350 ml."),
                        parent=(first.draft_id, 1))
    store.record_feedback(Feedback(draft_id=first.draft_id, version=1, kind="regenerate"))
    store.approve(second.draft_id, 2, user="U1")
    store.record_feedback(Feedback(draft_id=first.draft_id, version=2, kind="edit", user="U2",
                                   text="Acme Mug, red, 350 ml"))
    orphan = store.save(Draft(sku="gone", title="Old Thing"))
    store.record_feedback(Feedback(draft_id=orphan.draft_id, version=1, kind="thumbs_up"))

    out = tmp_path / "feedback.jsonl"
    report = export_feedback(store, OneProductCatalog(), settings, out)  # type: ignore[arg-type]
    assert report.feedback == 4 and report.drafts == 2
    assert report.skipped == {"product no longer in the catalog": 1}
    examples = read_examples(out)
    sft = [e for e in examples if e.rejected is None]
    pairs = [e for e in examples if e.rejected is not None]
    assert {(e.meta["field"], e.completion) for e in sft} == {
        ("title", "Acme Mug Red 350 ml"), ("description", "A red mug for 350 ml."), ("title", "Acme Mug, red, 350 ml")}
    assert ("Acme Mug Red 350 ml", "Acme Mug Red") in {(e.completion, e.rejected) for e in pairs}
    assert all(e.meta["sku"] == "mug-1" and "Acme Mug" in e.prompt[-1]["content"] for e in examples)
    assert report.sft == len(sft) and report.pairs == len(pairs)
    assert len(load_split(out, "train")) == len(examples)  # the same file feeds `train sft --data FILE`


def test_edited_copy_is_read_as_the_fields_it_replaces() -> None:
    draft = Draft(sku="x", title="Acme Mug Red", description="A red mug.")
    assert edited_fields("Acme Mug in red", draft) == {"title": "Acme Mug in red"}
    assert edited_fields("A red mug that holds 350 ml. It suits tea.", draft) == {"description": "A red mug that holds 350 ml. It suits tea."}
    listing = "Acme Mug Red\n- Holds 350 ml\nA red mug for tea."
    assert edited_fields(listing, draft) == {"title": "Acme Mug Red", "description": "A red mug for tea."}

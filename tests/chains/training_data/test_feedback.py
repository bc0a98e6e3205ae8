"""Feedback on drafts -> SFT examples and preference pairs that `train sft` reads, with the polish's prompts."""

from __future__ import annotations

from pathlib import Path

from chains.drafting import CopyChain
from copydesk.state.drafts import DraftStore
from chains.training_data.feedback import edited_fields, export_feedback
from copydesk.domain import Draft, Feedback, Product
from generators.training.examples import load_split, read_examples

MUG = Product(sku="mug-1", title="Acme Mug", brand="Acme",
              attributes={"Colour": "Red", "Capacity": "350 ml", "Material": "Ceramic"},
              description="A red mug that holds 350 ml.")


class OneProductCatalog:
    def get(self, sku: str) -> Product | None:
        return MUG if sku == MUG.sku else None


def test_approvals_edits_and_rejections_become_sft_examples_and_pairs(tmp_path: Path, settings) -> None:
    store = DraftStore(tmp_path / "drafts.sqlite3")
    chain = CopyChain(OneProductCatalog(), None, store, settings)  # type: ignore[arg-type]
    first = chain.first_draft(MUG).draft  # realized: its parts are the polish's prompts
    prompts = {(p.field, p.index): (p, m) for p, m in chain.polish_prompts(MUG, brand=None, channel=None, seed=first.seed)}
    colour, colour_messages = prompts[("bullet", 1)]
    paragraph, paragraph_messages = prompts[("description", 1)]
    assert "red" in colour.text and "ceramic" in colour.text and "red" in paragraph.text  # what the rewrites keep
    bullet = "Colour and Finish: A red mug, made from ceramic."
    description = first.description.splitlines()
    second = store.save(first.model_copy(update={
        "bullets": [first.bullets[0], bullet], "description": "\n".join([description[0], "A red ceramic mug."])}),
        parent=(first.draft_id, 1))
    store.record_feedback(Feedback(draft_id=first.draft_id, version=1, kind="regenerate"))
    store.approve(second.draft_id, 2, user="U1")
    edit = "Acme Mug in red\n- Colour and Finish: Red, and made from ceramic.\nThis red mug is made from ceramic."
    store.record_feedback(Feedback(draft_id=first.draft_id, version=2, kind="edit", user="U2", text=edit))
    invented = "Acme Mug\n- Colour and Finish: Red ceramic with a bamboo lid."  # the lid is in no fact
    store.record_feedback(Feedback(draft_id=first.draft_id, version=2, kind="thumbs_up", user="U3"))
    store.record_feedback(Feedback(draft_id=first.draft_id, version=2, kind="edit", user="U4", text=invented))
    orphan = store.save(Draft(sku="gone", title="Old Thing"))
    store.record_feedback(Feedback(draft_id=orphan.draft_id, version=1, kind="thumbs_up"))

    out = tmp_path / "feedback.jsonl"
    report = export_feedback(store, OneProductCatalog(), settings, out)  # type: ignore[arg-type]
    assert report.feedback == 6 and report.drafts == 2
    assert report.skipped["product no longer in the catalog"] == 1
    assert report.skipped["bullet states what its prompt's facts do not"] == 1  # the bamboo lid
    assert report.skipped["title (titles are not polished, so no prompt teaches them)"] == 5
    examples = read_examples(out)
    sft = [e for e in examples if e.rejected is None]
    pairs = [e for e in examples if e.rejected is not None]
    assert sorted((e.meta["field"], e.completion) for e in sft) == sorted([
        ("bullet", bullet), ("description", "A red ceramic mug."),  # approved (and thumbed up: once)
        ("bullet", "Colour and Finish: Red, and made from ceramic."), ("description", "This red mug is made from ceramic.")])
    for example in sft:  # the prompt is the polish's for the part each text rewrites, whatever its place
        messages = colour_messages if example.meta["field"] == "bullet" else paragraph_messages
        assert example.prompt == [{"role": m.role, "content": m.content} for m in messages]
    # the regenerated v1 said the realized text: each good text is preferred to it, for the same prompt
    assert {(e.completion, e.rejected) for e in pairs} == {(e.completion, colour.text if e.meta["field"] == "bullet"
                                                             else paragraph.text) for e in sft}
    assert report.sft == len(sft) == 4 and report.pairs == len(pairs) == 4
    assert len(load_split(out, "train")) == len(examples)  # the same file feeds `train sft --data FILE`


def test_edited_copy_is_read_as_the_parts_it_replaces() -> None:
    draft = Draft(sku="x", title="Acme Mug Red", description="A red mug.")
    assert edited_fields("Acme Mug in red", draft) == {"title": ["Acme Mug in red"]}
    assert edited_fields("A red mug that holds 350 ml. It suits tea.", draft) == {
        "description": ["A red mug that holds 350 ml. It suits tea."]}
    listing = "Acme Mug Red\n- Holds 350 ml\n* Red glaze\nA red mug for tea.\nIt holds 350 ml."
    assert edited_fields(listing, draft) == {"title": ["Acme Mug Red"], "bullet": ["Holds 350 ml", "Red glaze"],
                                             "description": ["A red mug for tea.", "It holds 350 ml."]}

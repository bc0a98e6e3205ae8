"""The team's feedback on drafts as training data: SFT examples and preference pairs.

What counts as good: an approved version, a thumbs-up, and the final text a marketer posted after
editing a draft. What counts as bad: a thumbs-down, and a version someone pressed Regenerate on.
Per draft and field (title, description), every good text becomes an SFT example and every
(good, bad) pair with different texts a preference pair. The prompts are the copy chain's own
(recorded through `training_data.record_steps`), so the examples feed `train sft`/`train rank`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chains.drafting import CopyChain
from copydesk.state.drafts import DraftStore
from chains.training_data.examples import RecordedStep, record_steps
from copydesk.domain import Draft, Feedback
from copydesk.errors import NotFoundError
from copydesk.settings import Settings
from generators.training.examples import ChatExample, write_examples
from retrieval.catalog import Catalog

GOOD = {"approve", "thumbs_up", "edit"}
BAD = {"thumbs_down", "regenerate"}
FIELDS = ("title", "description")
_BULLET = ("- ", "* ", "• ")


@dataclass
class FeedbackReport:
    feedback: int = 0
    drafts: int = 0
    sft: int = 0
    pairs: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def edited_fields(text: str, draft: Draft) -> dict[str, str]:
    """The fields a marketer's edited copy gives. A listing-shaped edit (several lines) is read as title
    (first line), bullets (lines starting '- ', '* ', '•') and description (the other lines); one line
    replaces the title when it is about title-sized, else the description."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return {}
    if len(lines) == 1:
        one = lines[0]
        title_sized = len(one.split()) <= max(16, 2 * len(draft.title.split()))
        return {"title": one} if title_sized and len(one) < 200 and not one.endswith(".") else {"description": one}
    body = [line for line in lines[1:] if not line.startswith(_BULLET)]
    found = {"title": lines[0]}
    if body:
        found["description"] = " ".join(body)
    return found


def _texts(draft: Draft, item: Feedback) -> dict[str, str]:
    if item.kind == "edit":
        return edited_fields(item.text or "", draft)
    return {name: getattr(draft, name) for name in FIELDS if getattr(draft, name)}


def export_feedback(store: DraftStore, catalog: Catalog, settings: Settings, out: Path) -> FeedbackReport:
    report = FeedbackReport()
    chain = CopyChain(catalog, None, store, settings)
    by_draft: dict[str, list[Feedback]] = {}
    for item in store.feedback():
        report.feedback += 1
        if item.excluded:  # stored as said, never learnt from (e.g. an edit with claims the catalog lacks)
            report.skip(f"{item.kind} kept out of training data")
            continue
        by_draft.setdefault(item.draft_id, []).append(item)
    examples: list[ChatExample] = []
    for draft_id, items in by_draft.items():
        examples += _draft_examples(draft_id, items, store, catalog, chain, settings, report)
    report.drafts = len(by_draft)
    write_examples(out, examples)
    return report


def _draft_examples(draft_id: str, items: list[Feedback], store: DraftStore, catalog: Catalog, chain: CopyChain,
                    settings: Settings, report: FeedbackReport) -> Iterable[ChatExample]:
    good: dict[str, list[tuple[str, Feedback]]] = {name: [] for name in FIELDS}
    bad: dict[str, list[tuple[str, Feedback]]] = {name: [] for name in FIELDS}
    first: Draft | None = None
    for item in items:
        try:
            draft = store.get(item.draft_id, item.version)
        except NotFoundError:
            report.skip("draft version no longer stored")
            continue
        first = first or draft
        side = good if item.kind in GOOD else bad if item.kind in BAD else None
        if side is None:
            report.skip(f"unknown feedback kind {item.kind}")
            continue
        for name, text in _texts(draft, item).items():
            if text and all(text != seen for seen, _ in side[name]):
                side[name].append((text, item))
    if first is None:
        return []
    product = catalog.get(first.sku)
    if product is None:
        report.skip("product no longer in the catalog")
        return []
    steps = record_steps(chain, settings, product, brand=first.brand, channel=first.channel, include_description=True)
    prompts = {name: next((s for s in steps if s.field == name), None) for name in FIELDS}
    found: list[ChatExample] = []
    for name in FIELDS:
        step = prompts[name]
        if step is None:
            continue
        for text, item in good[name]:
            found.append(_example(step, text, None, first, item, name))
            report.sft += 1
            for worse, _ in bad[name]:
                if worse != text:
                    found.append(_example(step, text, worse, first, item, name))
                    report.pairs += 1
    return found


def _example(step: RecordedStep, text: str, rejected: str | None, draft: Draft, item: Feedback, name: str) -> ChatExample:
    meta = {"sku": draft.sku, "kind": "feedback", "field": name, "draft_id": draft.draft_id, "version": item.version,
            "feedback": item.kind, "user": item.user, "facts": [[f.name, f.value] for f in step.facts],
            "shown_description": step.source}
    prompt = [{"role": m.role, "content": m.content} for m in step.messages]
    return ChatExample(prompt=prompt, completion=text, rejected=rejected, meta=meta)

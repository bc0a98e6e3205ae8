"""The team's feedback on drafts as training data: SFT examples and preference pairs.

What counts as good: an approved version, a thumbs-up, and the final text a marketer posted after
editing a draft. What counts as bad: a thumbs-down, and a version someone pressed Regenerate on.
The unit is the polish's (chains/drafting/polish.py): each bullet and each description paragraph. A
version's prompts are the polish prompts of the realization it was made from (the seed, voice and length
it records, through `CopyChain.polish_prompts`), part by part; the version's own text of that part, or the
marketer's, is the target. A good text becomes an SFT example when it differs from the realized text, the
verifier finds it supported by the facts its prompt shows, and it keeps every fact the realized part
states; every (good, bad) pair for one prompt with different texts becomes a preference pair. Titles are
not polished, so they have no prompt and teach nothing here. The examples feed `train sft`/`train rank`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chains.drafting import CopyChain, PolishPart
from copydesk.state.drafts import DraftStore
from chains.training_data.examples import polish_example, says_the_same, shown_verifier
from copydesk.domain import Draft, Feedback, Product
from copydesk.errors import NotFoundError
from copydesk.settings import Settings
from generators.text.base import ChatMessage
from generators.training.examples import ChatExample, write_examples
from retrieval.catalog import Catalog

GOOD = {"approve", "thumbs_up", "edit"}
BAD = {"thumbs_down", "regenerate"}
PARTS = ("bullet", "description")  # what the polish rewrites: bullets and description paragraphs
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


def edited_fields(text: str, draft: Draft) -> dict[str, list[str]]:
    """The parts a marketer's edited copy gives: {"title": [..], "bullet": [..], "description": [paragraphs]}.
    A listing-shaped edit (several lines) is read as the title (first line), bullets (lines starting '- ',
    '* ', '•') and description paragraphs (the other lines); one line replaces the title when it is about
    title-sized, else the description."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return {}
    if len(lines) == 1:
        one = lines[0]
        title_sized = len(one.split()) <= max(16, 2 * len(draft.title.split()))
        return {"title": [one]} if title_sized and len(one) < 200 and not one.endswith(".") else {"description": [one]}
    found = {"title": [lines[0]]}
    bullets = [line[len(m):].strip() for line in lines[1:] for m in _BULLET if line.startswith(m)]
    paragraphs = [line for line in lines[1:] if not line.startswith(_BULLET)]
    if bullets:
        found["bullet"] = bullets
    if paragraphs:
        found["description"] = paragraphs
    return found


def draft_parts(draft: Draft) -> dict[str, list[str]]:
    return {"title": [draft.title], "bullet": list(draft.bullets),
            "description": [p for p in draft.description.splitlines() if p.strip()]}


def _texts(draft: Draft, item: Feedback) -> dict[str, list[str]]:
    if item.kind == "edit":
        return edited_fields(item.text or "", draft)
    return draft_parts(draft)


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
    for items in by_draft.values():
        examples += _draft_examples(items, store, catalog, chain, report)
    report.drafts = len(by_draft)
    write_examples(out, examples)
    return report


@dataclass
class _Said:
    """One text said about one polish prompt: good or bad, by which feedback."""

    part: PolishPart
    messages: list[ChatMessage]
    text: str
    item: Feedback
    good: bool


def _draft_examples(items: list[Feedback], store: DraftStore, catalog: Catalog, chain: CopyChain,
                    report: FeedbackReport) -> Iterable[ChatExample]:
    product: Product | None = None
    prompts: dict[tuple, list[tuple[PolishPart, list[ChatMessage]]]] = {}
    said: list[_Said] = []
    for item in items:
        try:
            draft = store.get(item.draft_id, item.version)
        except NotFoundError:
            report.skip("draft version no longer stored")
            continue
        if item.kind not in GOOD | BAD:
            report.skip(f"unknown feedback kind {item.kind}")
            continue
        product = product or catalog.get(draft.sku)
        if product is None:
            report.skip("product no longer in the catalog")
            return []
        made = (draft.brand, draft.channel, draft.seed, draft.voice, draft.length)
        if made not in prompts:  # the polish prompts of the realization this version was made from
            prompts[made] = chain.polish_prompts(product, brand=draft.brand, channel=draft.channel, seed=draft.seed,
                                                 voice=draft.voice, length=draft.length)
        texts = _texts(draft, item)
        if texts.get("title"):
            report.skip("title (titles are not polished, so no prompt teaches them)")
        for name in PARTS:
            realized = [(part, messages) for part, messages in prompts[made] if part.field == name]
            for index, text in enumerate(texts.get(name, [])):
                found = _match(product, realized, name, index, text, item.kind in GOOD)
                if isinstance(found, str):
                    report.skip(found)
                    continue
                said.append(_Said(*found, text, item, item.kind in GOOD))
    found: list[ChatExample] = []
    seen: set[tuple] = set()
    for one in (s for s in said if s.good):
        key = (_key(one.messages), one.text)
        if key in seen:  # approved and thumbed up: one example
            continue
        seen.add(key)
        found.append(_example(product, one, None))
        report.sft += 1
        for worse in (s for s in said if not s.good and _key(s.messages) == key[0] and s.text != one.text):
            found.append(_example(product, one, worse.text))
            report.pairs += 1
    return found


def _key(messages: list[ChatMessage]) -> tuple:
    return tuple((m.role, m.content) for m in messages)


def _match(product: Product, realized: list[tuple[PolishPart, list[ChatMessage]]], name: str, index: int,
           text: str, good: bool) -> tuple[PolishPart, list[ChatMessage]] | str:
    """The realized part (and its prompt) that `text` answers, or why none does. A turned-down text answers the
    part at its own place; a good one the first part, its own place first, that it can answer (`_unusable`):
    an edit that drops or reorders bullets still meets the prompt whose facts it states."""
    if not realized or (not good and index >= len(realized)):
        return f"{name} with no realized {name} at its place"
    if not good:
        return realized[index]
    order = [index, *(i for i in range(len(realized)) if i != index)] if index < len(realized) else range(len(realized))
    reasons = [_unusable(product, realized[i][0], text) for i in order]
    for i, reason in zip(order, reasons):
        if reason is None:
            return realized[i]
    return reasons[0]


def _unusable(product: Product, part: PolishPart, text: str) -> str | None:
    """Why a good `text` cannot answer `part`'s prompt (None: it can)."""
    if text == part.text:
        return f"{part.field} left as realized (nothing to learn)"
    verifier = shown_verifier(product, part.shown, None)
    if not verifier.check_text(text, part.field).clean:
        return f"{part.field} states what its prompt's facts do not"
    if not says_the_same(text, part, verifier):
        return f"{part.field} leaves out a fact the realized text states"
    return None


def _example(product: Product, said: _Said, rejected: str | None) -> ChatExample:
    item = said.item
    meta = {"kind": "feedback", "draft_id": item.draft_id, "version": item.version, "feedback": item.kind,
            "user": item.user}
    return polish_example(product, said.part, said.messages, said.text, meta, rejected)

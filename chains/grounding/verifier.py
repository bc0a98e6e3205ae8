"""The grounding verifier: the hallucination control. Deterministic; never trusts the model.

Every sentence of a draft is judged against the product's facts (chains/grounding/claims.py): numbers with units,
codes, certifications, absolute words, colours, materials, compatibility and names must each be stated by
a fact, and every other content word must be a word the facts use or a generic marketing word.

What `verify` does with what fails:
- description / meta description: the unsupported sentences are removed, the rest is kept;
- a bullet: its unsupported sentences are removed; a bullet left empty is removed;
- the title is judged whole and is never cut: a title with any unsupported claim becomes "" (empty). The
  caller treats an empty title as a rejected candidate (`title_rejected`) and falls back (e.g. to the
  template's title). So `Draft.title` never holds an unsupported claim.
Everything removed is listed in `Draft.dropped_claims` with its reason; `Draft.facts_used` lists the fact
ids the kept text relies on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chains.grounding.claims import SentenceJudge, SentenceVerdict
from chains.grounding.fact_index import fact_order
from chains.grounding.fact_index import FactIndex
from chains.grounding.sentences import split_sentences
from copydesk.domain import Claim, Draft, Fact, Product

# Bumped whenever what the verifier accepts changes; results and eval reports name the version that counted.
VERIFIER_VERSION = "9"


@dataclass
class CheckedText:
    text: str  # the kept part
    claims: list[Claim] = field(default_factory=list)  # every checkable claim found, with its verdict
    dropped: list[Claim] = field(default_factory=list)  # what was removed, and why
    fact_ids: list[str] = field(default_factory=list)  # facts the kept part relies on
    sentences: int = 0  # sentences judged
    dropped_sentences: list[str] = field(default_factory=list)  # the sentences removed, in order

    @property
    def clean(self) -> bool:
        return not self.dropped


@dataclass
class SentenceCheck:
    """One sentence of copy and the verifier's verdict: every claim found, supported or not, with its facts."""

    field: str
    sentence: str
    supported: bool
    claims: list[Claim] = field(default_factory=list)  # checkable claims, then the sentence-level reasons
    fact_ids: list[str] = field(default_factory=list)


class GroundingVerifier:
    """Checks copy for one product. `allowed_texts`: extra text the copy may repeat without a fact
    (the brand's required phrases, which the rules add after verification)."""

    def __init__(self, product: Product, facts: list[Fact], *, allowed_texts: Sequence[str] = ()) -> None:
        self.product = product
        self.facts = facts
        self.index = FactIndex.build(facts, list(allowed_texts))
        self._judge = SentenceJudge(self.index)

    def claims(self, text: str, field: str) -> list[Claim]:
        """Every checkable claim in the text with its verdict, plus a `sentence` claim per unsupported sentence."""
        found: list[Claim] = []
        for verdict in self._verdicts(text, field):
            found.extend(verdict.claims)
            found.extend(c for c in verdict.dropped if c.kind == "sentence")
        return found

    def check_text(self, text: str, field: str) -> CheckedText:
        """Sentence by sentence; unsupported sentences are dropped, line breaks between kept ones stay."""
        kept_lines: list[str] = []
        result = CheckedText(text="")
        for line in text.splitlines():
            kept = []
            for verdict in self._verdicts(line, field):
                self._collect(result, verdict)
                if verdict.supported:
                    kept.append(verdict.sentence)
            if kept:
                kept_lines.append(" ".join(kept))
        result.text = "\n".join(kept_lines)
        result.fact_ids = _sorted_ids(result.fact_ids)
        return result

    def sentence_checks(self, text: str, field: str) -> list[SentenceCheck]:
        """Sentence by sentence, nothing removed: what `copydesk check` and "check:" in Slack report."""
        out = []
        for verdict in self._verdicts(text, field):
            extra = [c for c in verdict.dropped if c not in verdict.claims]
            out.append(SentenceCheck(field=field, sentence=verdict.sentence, supported=verdict.supported,
                                     claims=[*verdict.claims, *extra], fact_ids=list(verdict.fact_ids)))
        return out

    def check_title(self, title: str) -> CheckedText:
        """The title as one unit: all or nothing."""
        verdict = self._judge.judge(title.strip(), "title")
        result = CheckedText(text=title.strip() if verdict.supported else "")
        self._collect(result, verdict)
        return result

    def verify(self, draft: Draft) -> Draft:
        """A copy of the draft without unsupported content (see the module docstring)."""
        dropped: list[Claim] = []
        used: list[str] = []
        title = self.check_title(draft.title)
        dropped += title.dropped
        used += title.fact_ids
        bullets: list[str] = []
        for bullet in draft.bullets:
            checked = self.check_text(bullet, "bullet")
            dropped += checked.dropped
            if checked.text:
                bullets.append(checked.text)
                used += checked.fact_ids
        description = self.check_text(draft.description, "description")
        dropped += description.dropped
        used += description.fact_ids
        meta: str | None = None
        if draft.meta_description:
            checked_meta = self.check_text(draft.meta_description, "meta_description")
            dropped += checked_meta.dropped
            used += checked_meta.fact_ids
            meta = checked_meta.text or None
        return draft.model_copy(
            update={
                "title": title.text,
                "bullets": bullets,
                "description": description.text,
                "meta_description": meta,
                "facts_used": _sorted_ids(used),
                "dropped_claims": [*draft.dropped_claims, *dropped],
            }
        )

    def _verdicts(self, text: str, field: str) -> list[SentenceVerdict]:
        return [self._judge.judge(sentence, field) for sentence in split_sentences(text)]

    @staticmethod
    def _collect(result: CheckedText, verdict: SentenceVerdict) -> None:
        result.claims.extend(verdict.claims)
        result.sentences += 1
        if verdict.supported:
            result.fact_ids.extend(verdict.fact_ids)
        else:
            result.dropped.extend(verdict.dropped)
            result.dropped_sentences.append(verdict.sentence)


def title_rejected(verified: Draft) -> bool:
    """True when `verify` had to empty the title: the candidate should be rejected or given a fallback title."""
    return not verified.title.strip()


def _sorted_ids(ids: list[str]) -> list[str]:
    return sorted(set(ids), key=fact_order)

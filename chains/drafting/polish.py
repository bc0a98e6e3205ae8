"""The model's step: a polish of the realized draft, part by part (each bullet, each description paragraph).

The model gets one realized part, the facts it states and the brand's voice, and rewrites it. A candidate
replaces the realized part only when it passes the verifier, reads as copy (steps.accept), still states every
fact the realized part stated, and ranks higher: the base model's mean log-likelihood of it, under one
neutral prompt that neither text was written from, beats the realized part's. So polishing never loses a
fact and never makes a part worse by the same measure; each part reports whether the model's text stands.
"""

from __future__ import annotations

from chains.drafting.context import Context, PartReport
from chains.drafting.ranker import fact_covered
from chains.drafting.steps import BULLET_TOKENS, Steps, accept
from chains.grounding import GroundingVerifier
from copydesk.domain import Draft, Fact
from generators.text.base import ChatMessage, TextGenerator

_JUDGE = [ChatMessage("user", "Write one sentence of product listing copy.")]


def polish_draft(realized: Draft, ctx: Context, steps: Steps, verifier: GroundingVerifier,
                 generator: TextGenerator) -> tuple[Draft, list[PartReport]]:
    """The realized draft with every part the model improved replaced, and a report per part."""
    change = f"in a {ctx.voice} voice, fluent and natural"
    reports: list[PartReport] = []
    bullets = []
    for i, bullet in enumerate(realized.bullets, 1):
        text, report = _polish(f"bullet {i}", "bullet", bullet, ctx, steps, verifier, generator, change)
        bullets.append(text)
        reports.append(report)
    paragraphs = []
    for i, paragraph in enumerate(realized.description.splitlines(), 1):
        text, report = _polish(f"description paragraph {i}", "description", paragraph, ctx, steps, verifier,
                               generator, change)
        paragraphs.append(text)
        reports.append(report)
    origin = "model" if any(r.origin == "model" for r in reports) else "template"
    return realized.model_copy(update={"bullets": bullets, "description": "\n".join(paragraphs),
                                       "origin": origin}), reports


def _polish(label: str, field: str, text: str, ctx: Context, steps: Steps, verifier: GroundingVerifier,
            generator: TextGenerator, change: str) -> tuple[str, PartReport]:
    stated = [f for f in ctx.facts if f.id in set(verifier.check_text(text, field).fact_ids)]
    tokens = BULLET_TOKENS * 2 if field == "bullet" else max(48, len(text) // 3)
    outcome = steps.rewrite(field, text, stated or ctx.facts, change, tokens=tokens)
    outcome = accept(outcome, min_words=4, cites={f.id for f in stated} or None)
    baseline = generator.score(_JUDGE, text) if outcome.passed else 0.0
    # `passed` counts candidates that cleared every gate: the verifier, accept, the facts kept, the ranking.
    better = [c for c in outcome.passed
              if _keeps_facts(c.text, text, stated) and generator.score(_JUDGE, c.text) > baseline]
    if better:
        return better[0].text, PartReport(label, "model", outcome.generated, len(better), 0)
    return text, PartReport(label, "template", outcome.generated, 0, outcome.dropped_sentences)


def _keeps_facts(candidate: str, realized: str, facts: list[Fact]) -> bool:
    return all(fact_covered(f, candidate) for f in facts if fact_covered(f, realized))

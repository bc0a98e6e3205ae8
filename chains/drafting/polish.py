"""The model's step: a polish of the realized draft, part by part (each bullet, each description paragraph).

The model gets one realized part, the facts it states and the brand's voice, and rewrites it. A candidate
replaces the realized part only when it passes the verifier, reads as copy (steps.accept), still states every
fact the realized part stated, and ranks higher: the base model's mean log-likelihood of it, under one
neutral prompt that neither text was written from, beats the realized part's. So polishing never loses a
fact and never makes a part worse by the same measure; each part reports whether the model's text stands.

`polish_parts` and `polish_messages` say what the polish sends the model, part by part; the fine-tuning
data (chains/training_data) is built from the same two functions, so training and inference prompts are
one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from chains.drafting.context import Context, PartReport
from chains.drafting.ranker import fact_covered
from chains.drafting.steps import Steps, Timer, accept, rewrite_prompt, rewrite_tokens, system_message
from chains.grounding import GroundingVerifier
from copydesk.domain import Draft, Fact
from copydesk.settings import Settings
from generators.text.base import ChatMessage, TextGenerator

_HEADER = re.compile(r"^\s*([A-Z][A-Z0-9 &'/-]{1,40}|[A-Z][\w '&/-]{1,40})(?::| –)\s+")
_JUDGE = [ChatMessage("user", "Write one sentence of product listing copy.")]


@dataclass(frozen=True)
class PolishPart:
    """One part of a realized draft as the polish sends it to the model."""

    label: str          # "bullet 2", "description paragraph 1"
    field: str          # "bullet" or "description"
    index: int          # 0-based position among the draft's bullets, or its description paragraphs
    text: str           # the realized text
    stated: list[Fact]  # the facts the verifier finds stated in it (a candidate must keep them)
    shown: list[Fact]   # the facts the prompt shows: the stated ones, or all of the product's when none is
    change: str         # what the rewrite is asked to be


def default_change(ctx: Context) -> str:
    """What a first draft's polish asks each part to become."""
    return f"in a {ctx.voice} voice, fluent and natural"


def polish_system(ctx: Context) -> ChatMessage:
    return system_message(brand=ctx.brand or "the shop", voice=ctx.voice, style=ctx.style)


def polish_parts(realized: Draft, ctx: Context, verifier: GroundingVerifier, change: str | None = None) -> list[PolishPart]:
    """The parts of `realized` the polish rewrites, in order: every bullet, then every description paragraph."""
    change = change or default_change(ctx)
    units = [("bullet", f"bullet {i}", text) for i, text in enumerate(realized.bullets, 1)]
    units += [("description", f"description paragraph {i}", text)
              for i, text in enumerate(realized.description.splitlines(), 1)]
    parts: list[PolishPart] = []
    positions = {"bullet": 0, "description": 0}
    for field, label, text in units:
        ids = set(verifier.check_text(text, field).fact_ids)
        stated = [f for f in ctx.facts if f.id in ids]
        parts.append(PolishPart(label, field, positions[field], text, stated, stated or list(ctx.facts), change))
        positions[field] += 1
    return parts


def polish_messages(ctx: Context, part: PolishPart) -> list[ChatMessage]:
    """Exactly the conversation the polish sends the model for `part` (Steps.rewrite renders the same)."""
    return [polish_system(ctx), ChatMessage("user", rewrite_prompt(part.field, part.text, part.shown, part.change))]


def polish_steps(generator: TextGenerator, settings: Settings, verifier: GroundingVerifier, ctx: Context,
                 timer: Timer) -> Steps:
    """The steps the polish runs, seeded by the draft's seed so that a version can be made again."""
    return Steps(generator, settings, verifier, system=polish_system(ctx), timer=timer, seed=ctx.seed)


def polish_draft(realized: Draft, ctx: Context, steps: Steps, verifier: GroundingVerifier,
                 generator: TextGenerator, *, change: str | None = None) -> tuple[Draft, list[PartReport]]:
    """The realized draft with every part the model improved replaced, and a report per part."""
    reports: list[PartReport] = []
    new = {"bullet": list(realized.bullets), "description": realized.description.splitlines()}
    for part in polish_parts(realized, ctx, verifier, change):
        text, report = _polish(part, steps, generator)
        new[part.field][part.index] = text
        reports.append(report)
    origin = "model" if any(r.origin == "model" for r in reports) else "template"
    return realized.model_copy(update={"bullets": new["bullet"], "description": "\n".join(new["description"]),
                                       "origin": origin}), reports


def _polish(part: PolishPart, steps: Steps, generator: TextGenerator) -> tuple[str, PartReport]:
    outcome = steps.rewrite(part.field, part.text, part.shown, part.change, tokens=rewrite_tokens(part.field, part.text))
    outcome = accept(outcome, min_words=4, cites={f.id for f in part.stated} or None)
    baseline = generator.score(_JUDGE, part.text) if outcome.passed else 0.0
    # `passed` counts candidates that cleared every gate: the verifier, accept, the facts kept, the ranking.
    headed = [replace(c, text=text) for c in outcome.passed if (text := under_realized_header(c.text, part.text))]
    better = [c for c in headed
              if keeps_facts(c.text, part.text, part.stated) and generator.score(_JUDGE, c.text) > baseline]
    if better:
        return better[0].text, PartReport(part.label, "model", outcome.generated, len(better), 0)
    return part.text, PartReport(part.label, "template", outcome.generated, 0, outcome.dropped_sentences)


def split_header(bullet: str) -> tuple[str | None, str]:
    """("SIZE AND WEIGHT", "It weighs 1.2 kg.") of "SIZE AND WEIGHT: It weighs 1.2 kg." (Amazon's header, or
    Shopify's "Header – "); (None, bullet) for a bullet without one."""
    match = _HEADER.match(bullet)
    return (match.group(1).strip(), bullet[match.end():]) if match else (None, bullet)


def keeps_header(candidate: str, realized: str) -> bool:
    """The candidate keeps the realized part's header, or has none where it had none. Headers are the voice's own
    (chains/drafting/realize/voice.py); the polish rewords the sentence. A small model invents headers that make
    no sense with their sentence ("WHEN IT COULD BE: It is made for ages 12 and up.", "Premise: The HP ...")."""
    new, old = split_header(candidate)[0], split_header(realized)[0]
    return (new or "").casefold() == (old or "").casefold()


def under_realized_header(candidate: str, realized: str) -> str | None:
    """The candidate as the part's new text: as it is when it keeps the realized header (`keeps_header`); under
    the realized header when it dropped it (the bullets keep one style); None when it wrote a header of its own."""
    new = split_header(candidate)[0]
    old, sentence = split_header(realized)
    if (new or "").casefold() == (old or "").casefold():
        return candidate
    return realized[:len(realized) - len(sentence)] + candidate if new is None else None


def keeps_facts(candidate: str, realized: str, facts: list[Fact]) -> bool:
    """The candidate states every one of `facts` that the realized text states."""
    return all(fact_covered(f, candidate) for f in facts if fact_covered(f, realized))

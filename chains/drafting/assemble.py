"""From verified step candidates to ranked drafts.

Candidate draft i takes the i-th passing candidate of every step; a step where nothing passed
takes the realized draft's part instead (the "template" below is the realized first draft) (for bullets: template bullets about facts no other bullet
covers). The template draft itself always competes. Every draft is verified again as a whole,
repaired by the channel and brand rules, scored and ranked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from chains.drafting.context import Context, PartReport
from chains.drafting.steps import Candidate, Outcomes, StepOutcome, Timer
from chains.drafting.ranker import rank, score_draft
from chains.rules import apply_rules
from chains.drafting.realize import realize_draft
from chains.grounding import GroundingVerifier
from copydesk.domain import Claim, Draft, Product



@dataclass
class Assembled:
    draft: Draft
    fluency: float | None
    dropped: list[Claim] = field(default_factory=list)  # sentences cut from the chosen description


class Assembler:
    def __init__(self, ctx: Context, verifier: GroundingVerifier, timer: Timer) -> None:
        self.ctx = ctx
        self.verifier = verifier
        self.timer = timer
        # The realized draft (chains/drafting/realize) is the first draft and the fallback of every part.
        self.template = realize_draft(ctx.product, ctx.facts, ctx.rules, ctx.channel, voice=ctx.realize_voice,
                                      seed=ctx.seed, length=ctx.length, verifier=verifier)
        self._template_bullets = [(b, set(verifier.check_text(b, "bullet").fact_ids)) for b in self.template.bullets]

    def candidates(self, outcomes: Outcomes, *, count: int) -> tuple[list[Assembled], list[PartReport]]:
        parts = [
            PartReport(o.label, "model" if o.passed else "template", o.generated, len(o.passed), o.dropped_sentences)
            for o in outcomes.all()
        ]
        width = min(count, max(len(o.passed) for o in outcomes.all()))
        drafts: list[Assembled] = []
        seen: set[tuple] = set()
        for i in range(width):
            assembled = self._assemble(outcomes, i)
            key = (assembled.draft.title, tuple(assembled.draft.bullets), assembled.draft.description)
            if key not in seen:
                seen.add(key)
                drafts.append(assembled)
        return drafts, parts

    def rank(self, drafts: list[Assembled], *, keep: int) -> list[Draft]:
        ctx = self.ctx
        finished: list[Draft] = []
        for item in [*drafts, Assembled(self.template, None)]:
            started = time.perf_counter()
            verified = self.verifier.verify(item.draft)
            update = {"dropped_claims": [*item.dropped, *verified.dropped_claims]}
            if not verified.title.strip():  # the title lost a claim: the template's title stands in
                update["title"] = self.template.title
            verified = verified.model_copy(update=update)
            self.timer.add("verify", started)
            started = time.perf_counter()
            ruled = apply_rules(verified, ctx.rules, ctx.channel, keep_case=keep_case(ctx.product))
            scores = score_draft(ruled, ctx.product, ctx.facts, ctx.rules, ctx.channel, item.fluency)
            finished.append(ruled.model_copy(update={"scores": scores, "brand": ctx.brand}))
            self.timer.add("rank", started)
        started = time.perf_counter()
        ranked = rank(finished, keep=keep)
        self.timer.add("rank", started)
        return ranked

    def _assemble(self, outcomes: Outcomes, i: int) -> Assembled:
        template = self.template
        title = _pick(outcomes.title, i)
        description = _pick(outcomes.description, i)
        chosen = [c for c in (title, description) if c]
        bullets: list[str] = []
        covered: set[str] = set()
        for outcome in outcomes.bullets:
            candidate = _pick(outcome, i)
            if candidate is not None and candidate.text.lower() not in {b.lower() for b in bullets}:
                chosen.append(candidate)
                bullets.append(candidate.text)
                covered |= set(candidate.fact_ids)
        slots = max(len(outcomes.bullets), len(template.bullets))
        for text, fact_ids in self._template_bullets:  # fill failed slots with template bullets on new facts
            if len(bullets) >= slots:
                break
            if text not in bullets and not (fact_ids and fact_ids <= covered):
                bullets.append(text)
                covered |= fact_ids
        draft = Draft(
            sku=self.ctx.product.sku,
            brand=self.ctx.brand,
            channel=self.ctx.channel,
            title=title.text if title else template.title,
            bullets=bullets,
            description=description.text if description else template.description,
            meta_description=template.meta_description,
            origin="model" if chosen else "template",
        )
        logprobs = [c.logprob for c in chosen if c.logprob is not None]
        fluency = sum(logprobs) / len(logprobs) if logprobs else None
        return Assembled(draft, fluency, list(description.dropped) if description else [])


def keep_case(product: Product) -> list[str]:
    """Names that sentence-casing must leave alone."""
    return [name for name in (product.brand, product.model) if name]


def _pick(outcome: StepOutcome, i: int) -> Candidate | None:
    return outcome.passed[i % len(outcome.passed)] if outcome.passed else None

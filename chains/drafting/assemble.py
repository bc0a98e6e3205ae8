"""The realized draft and the ranking of drafts.

`realized` is the first draft (the "template" below: made without the model). The polished draft, when
the model changed any part, competes with it; the realized draft always competes. Every draft is verified
again as a whole, repaired by the channel and brand rules, scored and ranked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from chains.drafting.context import Context
from chains.drafting.steps import Timer
from chains.drafting.ranker import rank, score_draft
from chains.rules import apply_rules
from chains.drafting.realize import keep_case, realize_draft, voice_for
from chains.grounding import GroundingVerifier
from copydesk.domain import Claim, Draft


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
        self.template = realized(ctx, verifier)

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


def realized(ctx: Context, verifier: GroundingVerifier) -> Draft:
    """The draft realized from the context's voice, seed and length, which it records (Draft.seed, .voice,
    .length) so that the version can be made again."""
    voice = ctx.realize_voice or voice_for(ctx.rules)
    draft = realize_draft(ctx.product, ctx.facts, ctx.rules, ctx.channel, voice=voice, seed=ctx.seed,
                          length=ctx.length, verifier=verifier)
    return draft.model_copy(update={"seed": ctx.seed, "voice": voice, "length": ctx.length})


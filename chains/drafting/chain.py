"""The copy chain: product reference -> grounded, ranked listing drafts, stored with ids.

resolve -> facts -> brand rules and style -> small generation steps (copy_steps) -> assemble K
candidate drafts (a part whose candidates all failed verification comes from the template) ->
verify -> channel and brand rules -> score and rank -> store the best. Without a text model the
template draft is the answer. Refine lives in refine.py and reuses the same steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from chains.drafting.assemble import Assembled, Assembler
from chains.drafting.polish import polish_draft
from chains.drafting.context import Context, DraftResult
from chains.drafting.steps import IDENTITY, Outcomes, Steps, Timer
from copydesk.state.drafts import DraftStore
from chains.drafting.ranker import key_facts
from chains.rules import CHANNELS, Limits
from chains.grounding import GroundingVerifier
from copydesk.domain import BrandRules, Claim, Draft, Fact, Product
from copydesk.errors import InputError
from copydesk.settings import Settings
from generators.text.base import TextGenerator
from retrieval.catalog import Catalog
from retrieval.facts import facts_for


class CopyChain:
    def __init__(self, catalog: Catalog, generator: TextGenerator | None, store: DraftStore, settings: Settings) -> None:
        self.catalog = catalog
        self.generator = generator
        self.store = store
        self.settings = settings

    # --- public API ---------------------------------------------------------------------------------
    def draft(
        self,
        product: Product,
        *,
        brand: str | None = None,
        channel: str | None = None,
        variants: int | None = None,
        user: str | None = None,
        channel_id: str | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> DraftResult:
        """Ranked drafts for a product the caller resolved (Catalog.product), the best one stored."""
        started = time.perf_counter()
        result = self.compose(product, brand=brand, channel=channel, variants=variants, on_text=on_text, started=started)
        result.draft = self.store.save(result.draft, user=user, channel_id=channel_id)
        return result

    def first_draft(
        self,
        product: Product,
        *,
        brand: str | None = None,
        channel: str | None = None,
        user: str | None = None,
        channel_id: str | None = None,
    ) -> DraftResult:
        """The complete, verified first draft without the language model (milliseconds), stored as version 1.
        Progressive drafting posts this at once, then `polish` improves it in place."""
        started = time.perf_counter()
        result = self.compose(product, brand=brand, channel=channel, use_model=False, started=started)
        result.draft = self.store.save(result.draft, user=user, channel_id=channel_id)
        return result

    def polish(
        self,
        first: DraftResult,
        *,
        budget_s: float | None = None,
        on_text: Callable[[str], None] | None = None,
        user: str | None = None,
        on_part: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> DraftResult:
        """The model's pass over a first draft. The result replaces the first draft (as its next version) only
        when it ranks higher; otherwise `first` comes back unchanged, so polishing never makes a draft worse.
        `budget_s` is advisory here: the steps are short and bounded by max_new_tokens.
        `on_part(done, total)`: called as parts (title, bullets, description) are polished; `should_stop()`:
        asked between parts, True ends polishing and returns `first` unchanged (Approve pressed, budget spent)."""
        if self.generator is None or (should_stop and should_stop()):
            return first
        total = 1 + len(first.draft.bullets) + len([p for p in first.draft.description.splitlines() if p.strip()])
        if on_part:
            on_part(0, total)
        polished = self.compose(first.product, brand=first.draft.brand, channel=first.draft.channel,
                                on_text=on_text)
        if on_part:
            on_part(total, total)
        if should_stop and should_stop():
            return first
        if polished.draft.scores.total <= first.draft.scores.total:
            first.notes.append("Polishing found nothing better than the first draft.")
            return first
        parent = (first.draft.draft_id, first.draft.version) if first.draft.draft_id else None
        polished.draft = self.store.save(polished.draft.model_copy(update={"instruction": "polish"}),
                                         parent=parent, user=user)
        return polished

    def context(
        self, product: Product, *, brand: str | None, channel: str | None, include_description: bool = True
    ) -> Context:
        channel = channel or self.settings.default_channel
        if channel not in CHANNELS:
            raise InputError(f"Unknown channel {channel!r}.", hint=f"Use one of: {', '.join(sorted(CHANNELS))}.")
        brand = brand or self.settings.default_brand
        rules, voice, style = BrandRules(), "clear, friendly and factual", ""
        if brand:
            guide = self.catalog.style_guide(brand)  # NotFoundError naming the known brands
            rules = guide.rules
            if rules.tone_words:
                voice = ", ".join(rules.tone_words[:4])
            chunks = self.catalog.style_chunks(brand, product.title, limit=1)
            if chunks:
                style = " Style: " + " ".join(chunks[0].text.split())[:240]
        facts = facts_for(product, include_description=include_description)
        return Context(product, facts, brand, channel, rules, voice, style)  # type: ignore[arg-type]

    def compose(
        self,
        product: Product,
        *,
        brand: str | None = None,
        channel: str | None = None,
        variants: int | None = None,
        include_description: bool = True,
        on_text: Callable[[str], None] | None = None,
        started: float | None = None,
        use_model: bool = True,
        voice: str | None = None,
        seed: int | None = None,
        length: str = "normal",
    ) -> DraftResult:
        """The ranked drafts for a resolved product, not stored (the eval calls this directly).
        `use_model=False`: the deterministic draft only, even when a text model is loaded.
        `voice`, `seed`, `length`: how the first draft is realized (chains/drafting/realize)."""
        started = time.perf_counter() if started is None else started
        timer = Timer()
        ctx = self.context(product, brand=brand, channel=channel, include_description=include_description)
        ctx = replace(ctx, realize_voice=voice, seed=self.settings.seed if seed is None else seed, length=length)
        timer.seconds["retrieve"] = time.perf_counter() - started
        verifier = GroundingVerifier(product, ctx.facts, allowed_texts=ctx.rules.required_phrases)
        assembler = Assembler(ctx, verifier, timer)
        if self.generator is None or not use_model:
            ranked, parts, dropped = assembler.rank([], keep=1), [], []
            notes = [] if not use_model else ["No text model is configured: this is the template draft."]
        else:  # the model polishes the realized draft part by part; the realized draft still competes
            steps = Steps(self.generator, self.settings, verifier, brand=ctx.brand or "the shop", voice=ctx.voice,
                          style=ctx.style, timer=timer)
            gen_started = time.perf_counter()
            polished, parts = polish_draft(assembler.template, ctx, steps, verifier, self.generator)
            timer.add("generate", gen_started)
            if on_text is not None:
                on_text(polished.description)
            ranked = assembler.rank([Assembled(polished, None)] if polished.origin == "model" else [],
                                    keep=max(1, variants or 3))
            dropped = []
            share = sum(p.origin == "model" for p in parts) / len(parts) if parts else 0.0
            notes = [part.note() for part in parts if part.note()]
            notes.append(f"The model's text stands in {share:.0%} of the parts ({sum(p.origin == 'model' for p in parts)}"
                         f" of {len(parts)}); the rest is the realized copy.")
        best = ranked[0]
        if best.origin == "template" and self.generator is not None and use_model:
            notes.append("The template draft ranked first: it is the answer.")
        if best.violations:
            notes.append("Rule problems that could not be repaired: " + "; ".join(best.violations))
        timer.seconds["total"] = time.perf_counter() - started
        timings = {k: round(timer.seconds.get(k, 0.0), 3) for k in ("retrieve", "generate", "verify", "rank", "total")}
        ranked = [d.model_copy(update={"timings": timings}) for d in ranked]
        return DraftResult(ranked[0], ranked[1:], product, ctx.facts, notes, parts, dropped)

    def generate(self, steps: Steps, ctx: Context, *, on_text: Callable[[str], None] | None = None) -> Outcomes:
        """Run the steps: description first (it is streamed), then the title, then one step per bullet."""
        keys = key_facts(ctx.product, ctx.facts, limit=6)
        naming = IDENTITY | {"Description"}
        attributes = [f for f in keys if f.name not in naming]
        attributes += [f for f in ctx.facts if f.name not in naming and f not in attributes]
        identity = [f for f in ctx.facts if f.name in IDENTITY]
        tone = ", ".join(ctx.rules.tone_words[:2])
        shown = [f for f in ctx.facts if f.name == "Description"]  # the catalog's copy, when it may be used
        source = ctx.product.description if shown else None
        name = ctx.product.title
        description = steps.description(name, identity + attributes[:5] + shown, tone, source=source, on_text=on_text)
        title = steps.title(name, identity + attributes[:4], max_words=title_words(ctx.rules))
        bullets = [
            steps.bullet(i, name, group, tone) for i, group in enumerate(bullet_groups(attributes, bullet_count(ctx)), 1)
        ]
        return Outcomes(title, bullets, description)


def bullet_count(ctx: Context) -> int:
    """Bullets the model writes: the brand's count, else 3 (the template adds more where it has facts for them),
    within the channel's limit. Each is one generation step, the costliest part of a draft."""
    return min(ctx.rules.bullet_count or 3, Limits.of(ctx.rules, CHANNELS[ctx.channel]).bullet_max)



def title_words(rules: BrandRules) -> int:
    return max(4, min(16, (rules.title_max_length or 100) // 7))


def bullet_groups(attributes: list[Fact], count: int) -> list[list[Fact]]:
    """Up to `count` groups of 1-3 facts, most important facts first."""
    if not attributes or count <= 0:
        return []
    size = min(3, max(1, -(-len(attributes[: count * 3]) // count)))
    usable = attributes[: count * size]
    return [usable[i : i + size] for i in range(0, len(usable), size)]

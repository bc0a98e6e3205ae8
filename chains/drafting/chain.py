"""The copy chain: product reference -> grounded, ranked listing drafts, stored with ids.

facts -> brand rules and style -> the realized draft (chains/drafting/realize, seeded) -> with a text model,
its polish part by part (polish.py) -> verify -> channel and brand rules -> score and rank -> store the
best. Without a text model the realized draft is the answer. Each draft records its seed, voice and length,
so a version can be made again; `variant` makes another version on another seed (variants.py). Refine
lives in refine.py and reuses the same pieces.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from chains.drafting.assemble import Assembled, Assembler, realized
from chains.drafting.polish import PolishPart, polish_draft, polish_messages, polish_parts, polish_steps
from chains.drafting.context import Context, DraftResult
from chains.drafting.steps import Timer
from chains.drafting.variants import choose, next_seeds, word_change
from copydesk.state.drafts import DraftStore
from chains.rules import CHANNELS
from chains.grounding import GroundingVerifier
from copydesk.domain import BrandRules, Draft, Product
from copydesk.errors import InputError, NotFoundError, UnsupportedRequestError
from copydesk.settings import Settings
from generators.text.base import ChatMessage, TextGenerator
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
        seed: int | None = None,
    ) -> DraftResult:
        """The complete, verified first draft without the language model (milliseconds), stored as version 1.
        Progressive drafting posts this at once, then `polish` improves it in place. `seed`: the realization's
        (default: settings.seed); a stored version's seed makes its first draft again."""
        started = time.perf_counter()
        result = self.compose(product, brand=brand, channel=channel, use_model=False, started=started, seed=seed)
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
                                on_text=on_text, **realization(first.draft))
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

    def variant(self, current: Draft, *, user: str | None = None, instruction: str = "another variant") -> DraftResult:
        """Another version of `current`, stored as its next version: the product realized again on a new seed,
        in the same voice and length, reading differently from the versions shown so far (variants.choose).
        Made without the model (milliseconds); the bot polishes it afterwards as it does a first draft.
        UnsupportedRequestError when every realization reads like `current` (a product with very few facts)."""
        started = time.perf_counter()
        product = self.catalog.get(current.sku)
        if product is None:
            raise NotFoundError(f"Draft {current.draft_id} is for SKU {current.sku}, which is no longer in the catalog.",
                                hint="Re-ingest the product, then draft it again.")
        shown = self.store.versions(current.draft_id) if current.draft_id else [current]
        ctx, verifier = self.prepare(product, brand=current.brand, channel=current.channel, **realization(current))
        seeds = next_seeds(shown, self.settings.seed)
        chosen = choose(ctx, verifier, seeds, current, [d for d in shown if d.version != current.version])
        if chosen is None:
            raise UnsupportedRequestError(
                f"Every other realization of {product.sku} I tried ({len(seeds)} seeds) reads exactly like "
                f"v{current.version}: its catalog record gives too few facts to say them another way.",
                hint='Ask for "warmer", "more technical", "longer", or add facts to the catalog and re-ingest.')
        result = self.compose(product, brand=current.brand, channel=current.channel, use_model=False,
                              started=started, **realization(chosen))
        result.draft = self.store.save(result.draft.model_copy(update={"instruction": instruction}),
                                       parent=(current.draft_id, current.version) if current.draft_id else None,
                                       user=user)
        result.notes.append(f"Realized again on seed {chosen.seed} ({word_change(result.draft, current):.0%} "
                            f"of the words changed from v{current.version}).")
        return result

    def prepare(self, product: Product, *, brand: str | None, channel: str | None, include_description: bool = True,
                voice: str | None = None, seed: int | None = None, length: str = "normal",
                ) -> tuple[Context, GroundingVerifier]:
        """The context of one realization (voice, seed, length) and the verifier every part of it goes through."""
        ctx = self.context(product, brand=brand, channel=channel, include_description=include_description)
        ctx = replace(ctx, realize_voice=voice, seed=self.settings.seed if seed is None else seed, length=length)
        return ctx, GroundingVerifier(product, ctx.facts, allowed_texts=ctx.rules.required_phrases)

    def polish_prompts(self, product: Product, *, brand: str | None, channel: str | None,
                       include_description: bool = True, voice: str | None = None, seed: int | None = None,
                       length: str = "normal") -> list[tuple[PolishPart, list[ChatMessage]]]:
        """What `compose` with a model sends it for this realization, part by part, and nothing generated: the
        prompts of the fine-tuning data (chains/training_data) are these, so they are the inference prompts."""
        ctx, verifier = self.prepare(product, brand=brand, channel=channel, include_description=include_description,
                                     voice=voice, seed=seed, length=length)
        return [(part, polish_messages(ctx, part)) for part in polish_parts(realized(ctx, verifier), ctx, verifier)]

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
        ctx, verifier = self.prepare(product, brand=brand, channel=channel, include_description=include_description,
                                     voice=voice, seed=seed, length=length)
        timer.seconds["retrieve"] = time.perf_counter() - started
        assembler = Assembler(ctx, verifier, timer)
        if self.generator is None or not use_model:
            ranked, parts, dropped = assembler.rank([], keep=1), [], []
            notes = [] if not use_model else ["No text model is configured: this is the template draft."]
        else:  # the model polishes the realized draft part by part; the realized draft still competes
            steps = polish_steps(self.generator, self.settings, verifier, ctx, timer)
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


def realization(draft: Draft) -> dict:
    """The compose arguments that realize `draft` again: its seed, voice and length (a draft stored before
    seeds were kept: the defaults)."""
    return {"seed": draft.seed, "voice": draft.voice, "length": draft.length}

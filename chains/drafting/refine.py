"""Refine: a stored draft plus an instruction ("shorter", "for Amazon", "mention the warranty") -> a new version.

Instructions are parsed deterministically into changes. Length, channel and "mention X" changes are
made by rules over the draft, its realization (the seed, voice and length it records) and the catalog
facts; a tone change realizes the product again in the voice it names, on the seed that reads most
differently from the versions shown so far (variants.choose), and with a model polishes that version
toward the change under the same verification and ranking as a first draft (polish.py); a brand switch
drafts again in the other brand's voice. Asking for a fact the catalog lacks raises UnsupportedRequestError.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Literal

from chains.drafting.variants import TRIES, choose, next_seeds
from chains.drafting.assemble import realized
from chains.drafting.realize import keep_case
from chains.drafting.chain import CopyChain, realization
from chains.drafting.context import Context, DraftResult
from chains.drafting.polish import polish_draft, polish_steps
from chains.drafting.steps import Steps, Timer
from chains.drafting.ranker import score_draft
from chains.rules import CHANNELS, Limits, apply_rules
from chains.grounding import split_sentences
from chains.grounding import GroundingVerifier
from chains.grounding import stem, stems_of
from copydesk.domain import Draft, Fact
from copydesk.errors import NotFoundError, UnsupportedRequestError


ChangeKind = Literal["variant", "shorter", "longer", "tone", "channel", "brand", "mention"]

_TONES = {  # instruction word -> how the rewrite prompt says it
    "warm": "warmer and friendlier", "warmer": "warmer and friendlier", "friendly": "warmer and friendlier",
    "friendlier": "warmer and friendlier", "playful": "more playful", "fun": "more playful",
    "formal": "more formal", "professional": "more formal", "serious": "more formal",
    "technical": "more technical", "precise": "more technical",
    "casual": "more casual", "relaxed": "more casual", "exciting": "more exciting", "enthusiastic": "more exciting",
}
# The realization voice each tone change asks for (chains/drafting/realize/data/voices.yaml).
_TONE_VOICES = {"warmer and friendlier": "warm", "more playful": "playful", "more formal": "formal",
                "more technical": "technical", "more casual": "warm"}
_SHORTER = re.compile(r"\b(shorter|shorten|concise|trim|briefer|brief|tighter|less text|cut it down)\b")
_LONGER = re.compile(r"\b(longer|lengthen|more detail|more details|expand|elaborate|fuller)\b")
_CHANNEL = re.compile(r"\b(?:for|to|on|as)\s+(amazon|shopify|generic)\b|\b(amazon|shopify|generic)\s+(?:version|listing)\b")
_BRAND = re.compile(r"\b(?:use|in|with|switch to)\s+(?:the\s+)?([\w-]+?)(?:'s)?\s+(?:voice|style|brand|tone)\b")
_MENTION = re.compile(r"\b(?:mention|include|add|highlight|emphasi[sz]e|talk about|point out)\s+(?:the\s+|a\s+|an\s+|its\s+)?(.+)")
# Another version on a new seed (CopyChain.variant): "another one", "regenerate", "try again", "a new version".
_VARIANT = re.compile(r"\b(?:an?other\s+(?:one|variant|version|draft|take)|regenerate|try\s+(?:it\s+)?again|"
                      r"(?:a\s+)?(?:new|different|fresh)\s+(?:version|variant|take|draft)|variant)\b")
_STOP = {"the", "a", "an", "its", "it", "is", "has", "that", "this", "product", "please", "and", "of", "to", "too", "also"}
HELP = 'Try "another one", "shorter", "longer", "warmer", "more playful", "more formal", "for Amazon", "use the pebble voice" or "mention the <fact>".'


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    value: str = ""


def parse_instruction(instruction: str) -> list[Change]:
    """The changes an instruction asks for, in a fixed order; UnsupportedRequestError when there are none."""
    text = " ".join(instruction.lower().split())
    changes: list[Change] = [Change("variant")] if _VARIANT.search(text) else []
    if match := _BRAND.search(text):
        changes.append(Change("brand", match.group(1)))
    if match := _CHANNEL.search(text):
        changes.append(Change("channel", match.group(1) or match.group(2)))
    if _SHORTER.search(text):
        changes.append(Change("shorter"))
    elif _LONGER.search(text):
        changes.append(Change("longer"))
    tone = next((_TONES[w] for w in re.findall(r"[a-z]+", text) if w in _TONES), None)
    if tone and not any(c.kind == "brand" for c in changes):
        changes.append(Change("tone", tone))
    if match := _MENTION.search(text):
        subject = re.split(r"\s+(?:and|for|in|then)\s+|[.,;!?]", match.group(1))[0].strip()
        if subject:
            changes.append(Change("mention", subject))
    if not changes:
        raise UnsupportedRequestError(f"I can't tell what to change from {instruction!r}.", hint=HELP)
    return changes


def facts_about(subject: str, facts: Collection[Fact]) -> list[Fact]:
    """Facts whose name or value mentions every content word of `subject` (plural-insensitive)."""
    wanted = {stem(w) for w in re.findall(r"[a-z0-9]+", subject.lower()) if w not in _STOP}
    if not wanted:
        return []
    found = [fact for fact in facts if wanted <= stems_of(f"{fact.name} {fact.value}")]
    return sorted(found, key=lambda f: 0 if wanted & stems_of(f.name) else 1)  # a fact named so comes first


def refine_draft(
    chain: CopyChain, draft_id: str, instruction: str, *, user: str | None = None,
    on_text: Callable[[str], None] | None = None,
) -> DraftResult:
    current = chain.store.get(draft_id)
    product = chain.catalog.get(current.sku)
    if product is None:
        raise NotFoundError(f"Draft {draft_id} is for SKU {current.sku}, which is no longer in the catalog.",
                            hint="Re-ingest the product, then draft it again.")
    changes = parse_instruction(instruction)
    if changes[0].kind == "variant":  # realized again on a new seed first; the other changes apply to that version
        result = chain.variant(current, user=user, instruction=instruction)
        changes = changes[1:]
        if not changes:
            return result
        current = result.draft
    notes: list[str] = []
    brand_change = next((c for c in changes if c.kind == "brand"), None)
    channel_change = next((c for c in changes if c.kind == "channel"), None)
    channel = channel_change.value if channel_change else current.channel
    if brand_change:  # another voice: draft again, in that brand's voice, as the next version of this draft
        result = chain.compose(product, brand=brand_change.value, channel=channel, on_text=on_text)
        draft, notes = result.draft, [f"Drafted again in the {brand_change.value} voice.", *result.notes]
        brand = brand_change.value
    else:
        draft, brand = current, current.brand
    # realized again (another length, voice or channel) from the seed, voice and length this version was made with
    ctx, verifier = chain.prepare(product, brand=brand, channel=channel, **realization(draft))
    steps = None
    if chain.generator is not None:
        steps = polish_steps(chain.generator, chain.settings, verifier, ctx, Timer())
    shown = chain.store.versions(current.draft_id)
    for change in changes:
        if change.kind == "brand":
            continue
        draft, note = _apply(change, draft, ctx, verifier, steps, shown)
        notes.append(note)
    verified = verifier.verify(draft)
    # the repairs listed are this version's: the parent's ("removed ! ... (amazon does not allow them)") were shown
    # with the parent, and read as wrong under a Shopify version
    ruled = apply_rules(verified.model_copy(update={"channel": ctx.channel, "repairs": []}), ctx.rules, ctx.channel,
                        keep_case=keep_case(product))
    # A refined draft is scored for grounding, coverage and style; its fluency is neutral (None): a
    # version mixes kept and new text, and there are no rival candidates to rank it against.
    scores = score_draft(ruled, product, ctx.facts, ctx.rules, ctx.channel, None)
    final = ruled.model_copy(update={"scores": scores, "instruction": instruction, "brand": ctx.brand})
    saved = chain.store.save(final, parent=(current.draft_id, current.version), user=user)
    return DraftResult(saved, [], product, ctx.facts, [n for n in notes if n])


def _apply(change: Change, draft: Draft, ctx: Context, verifier: GroundingVerifier, steps: Steps | None,
           shown: list[Draft]) -> tuple[Draft, str]:
    if change.kind == "channel":
        if change.value not in CHANNELS:
            raise UnsupportedRequestError(f"There is no channel {change.value!r}.", hint=f"Use one of {sorted(CHANNELS)}.")
        meta = draft.meta_description or realized(replace(ctx, channel=change.value), verifier).meta_description
        return draft.model_copy(update={"channel": change.value, "meta_description": meta}), f"Adapted for {change.value}."
    if change.kind == "shorter":
        return _shorter(draft, ctx, verifier)
    if change.kind == "longer":
        return _longer(draft, ctx, verifier)
    if change.kind == "mention":
        return _mention(change.value, draft, ctx, verifier, steps)
    return _tone(change.value, draft, ctx, verifier, steps, shown)


def _shorter(draft: Draft, ctx: Context, verifier: GroundingVerifier) -> tuple[Draft, str]:
    short = _realized(ctx, verifier, length="short")
    if draft.origin == "template" and _length(short) < _length(draft):
        return short, f"Shortened from {_length(draft)} to {_length(short)} characters (fewer bullets and paragraphs)."
    sentences = split_sentences(draft.description)
    description = " ".join(sentences[:-1]) if len(sentences) > 1 else draft.description
    bullets = draft.bullets[:-1] if len(draft.bullets) > 3 else draft.bullets
    bullets = [_first_clause(b) for b in bullets]
    title = _first_clause(draft.title, min_words=6)
    shorter = draft.model_copy(update={"title": title, "bullets": bullets, "description": description})
    if _length(shorter) >= _length(draft):
        raise UnsupportedRequestError(
            "This draft is already as short as I can make it without losing its facts.",
            hint='Edit it by hand, or ask for "shorter" on a longer version.',
        )
    return shorter, f"Shortened from {_length(draft)} to {_length(shorter)} characters."


def _realized(ctx: Context, verifier: GroundingVerifier, *, length: str) -> Draft:
    """The draft realized again (no model) at another length, on its own seed and in its own voice."""
    return realized(replace(ctx, length=length), verifier)


def _longer(draft: Draft, ctx: Context, verifier: GroundingVerifier) -> tuple[Draft, str]:
    template = _realized(ctx, verifier, length="long")
    covered = {fid for b in draft.bullets for fid in verifier.check_text(b, "bullet").fact_ids}
    limit = Limits.of(ctx.rules, CHANNELS[ctx.channel]).bullet_max
    bullets = list(draft.bullets)
    for text in template.bullets:
        ids = set(verifier.check_text(text, "bullet").fact_ids)
        if len(bullets) < limit and text not in bullets and ids - covered:
            bullets.append(text)
            covered |= ids
    have = set(split_sentences(draft.description))
    extra = [s for s in split_sentences(template.description) if s not in have]
    description = " ".join([draft.description.strip(), *extra[:2]]).strip()
    longer = draft.model_copy(update={"bullets": bullets, "description": description})
    if _length(longer) <= _length(draft):
        raise UnsupportedRequestError(
            "Every catalog fact of this product is already in the draft, so I can't make it longer without inventing.",
            hint="Add facts to the catalog and re-ingest, then ask again.",
        )
    return longer, f"Lengthened with catalog facts from {_length(draft)} to {_length(longer)} characters."


def _mention(subject: str, draft: Draft, ctx: Context, verifier: GroundingVerifier, steps: Steps | None) -> tuple[Draft, str]:
    found = facts_about(subject, [f for f in ctx.facts if f.name != "Description"])
    if not found:
        names = ", ".join(f.name for f in ctx.facts if f.name not in ("Product", "Description"))[:300]
        raise UnsupportedRequestError(
            f"The catalog has no fact about {subject!r} for {ctx.product.sku} ({ctx.product.title[:60]}), "
            "so I won't write one.",
            hint=f"Add it to the product's catalog record and re-ingest, or ask about a fact it has: {names}.",
        )
    fact = found[0]
    numbers = set(re.findall(r"\d+(?:\.\d+)?", fact.value))
    # The bullet that says the fact's value first ("up to 23,000 pages"), then any the verifier ties to the fact.
    order = sorted(range(len(draft.bullets)), key=lambda n: not numbers <= set(re.findall(
        r"\d+(?:\.\d+)?", draft.bullets[n].replace(",", ""))) if numbers else 0)
    for i in order:
        bullet = draft.bullets[i]
        if fact.id in verifier.check_text(bullet, "bullet").fact_ids:
            bullets = [bullet, *draft.bullets[:i], *draft.bullets[i + 1 :]]
            return draft.model_copy(update={"bullets": bullets}), f"Moved the bullet about {fact.name} to the top."
    # A bullet the product's long realization writes about the fact; the fact verbatim only when none does.
    about = [t for t in _realized(ctx, verifier, length="long").bullets
             if fact.id in verifier.check_text(t, "bullet").fact_ids]
    text = about[0] if about else f"{fact.name}: {fact.value}"
    note = f"Added a bullet about {fact.name} ({fact.id})."
    if steps is not None:  # polished like any realized bullet: kept only when verified and ranked higher
        one = draft.model_copy(update={"bullets": [text], "description": ""})
        polished, [part] = polish_draft(one, ctx, steps, verifier, steps.generator)
        text = polished.bullets[0]
        note += " The language model's wording of it stands." if part.origin == "model" else ""
    limit = Limits.of(ctx.rules, CHANNELS[ctx.channel]).bullet_max
    bullets = [text, *draft.bullets][: max(limit, 1)]
    return draft.model_copy(update={"bullets": bullets}), note


def _tone(change: str, draft: Draft, ctx: Context, verifier: GroundingVerifier, steps: Steps | None,
          shown: list[Draft]) -> tuple[Draft, str]:
    """Realized again in the voice the change names (no model needed), on the seed that reads most differently
    from the versions shown so far (its own seed first); with a model, that version is polished toward the
    change part by part, each part kept only when verified and ranked higher (polish.py)."""
    voice = _TONE_VOICES.get(change)
    if voice is None and steps is None:
        raise UnsupportedRequestError(
            f"Making the copy {change} needs a text model, and none is configured.",
            hint="Set COPYDESK_LLM (or COPYDESK_LLM_API_BASE), or ask for warmer, more playful, more formal, "
                 "more technical, shorter or longer.",
        )
    note = ""
    if voice is not None:
        seeds = [ctx.seed, *next_seeds(shown, ctx.seed, TRIES - 1)]
        earlier = [d for d in shown if d.version != draft.version]
        chosen = choose(replace(ctx, realize_voice=voice), verifier, seeds, draft, earlier)
        if chosen is None and steps is None:
            raise UnsupportedRequestError(
                f"Every {voice} realization of {ctx.product.sku} I tried reads exactly like this version: its "
                "catalog record gives too few facts to say them another way.",
                hint="Add facts to the catalog and re-ingest, or ask for longer.")
        if chosen is not None:
            draft, note = chosen, f"Rewritten {change} ({voice} voice, seed {chosen.seed})."
    if steps is None:
        return draft, note
    polished, parts = polish_draft(draft, ctx, steps, verifier, steps.generator, change=change)
    model = sum(p.origin == "model" for p in parts)
    if not model:
        return draft, note or (f"None of the model's {change} rewordings passed verification and ranked higher, "
                               "so the copy is unchanged.")
    return polished, (note + " " if note else "") + f"The language model reworded {model} of {len(parts)} parts {change}."


def _first_clause(text: str, min_words: int = 4) -> str:
    """The text up to its first comma/dash/semicolon break, if that still leaves `min_words` words."""
    for separator in (" - ", " – ", ", ", "; ", " | "):
        head = text.split(separator, 1)[0].strip()
        if head != text and len(head.split()) >= min_words:
            return head
    return text


def _length(draft: Draft) -> int:
    return len(draft.title) + sum(len(b) for b in draft.bullets) + len(draft.description)

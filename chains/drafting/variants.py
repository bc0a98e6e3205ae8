"""Another version of a draft: the product realized on other seeds, the one that reads most differently kept.

Realization is seeded (chains/drafting/realize), so the same seed gives the same words: asking again must
change the seed. `choose` realizes the product on a few seeds (milliseconds each, no model) and keeps the
first realization that differs from every version already shown by a quarter of its words, else the one
that differs most from the closest of them, so the answer never repeats the last version and avoids the
earlier ones where it can. The change is measured
over word sequences (difflib), so reordered bullets count as well as new words. A product whose every
realization reads like the last version gets no new version (`choose` returns None) and the caller says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from chains.drafting.assemble import realized
from chains.drafting.context import Context
from chains.grounding import GroundingVerifier
from copydesk.domain import Draft

TRIES = 8  # seeds realized per request at most: 25 ms each for most products, 250 ms for one with 150 facts
ENOUGH = 0.25  # a realization this far from every version shown is taken without trying the other seeds


def draft_words(draft: Draft) -> list[str]:
    return " ".join([draft.title, *draft.bullets, draft.description]).lower().split()


def word_change(a: Draft, b: Draft) -> float:
    """Share of the two drafts' words that are not in a common sequence: 0 the same text, 1 nothing shared."""
    return 1.0 - SequenceMatcher(None, draft_words(a), draft_words(b), autojunk=False).ratio()


def next_seeds(shown: Iterable[Draft], default: int, count: int = TRIES) -> list[int]:
    """`count` seeds after the highest one the shown versions used (`default` when none recorded one)."""
    start = max((d.seed for d in shown if d.seed is not None), default=default)
    return list(range(start + 1, start + 1 + count))


def choose(ctx: Context, verifier: GroundingVerifier, seeds: Sequence[int], last: Draft,
           earlier: Sequence[Draft] = ()) -> Draft | None:
    """Of the realizations of `ctx` on `seeds`, the first as far as ENOUGH from `last` and each of `earlier`,
    else the one furthest from the closest of them (ties: furthest from `last`, then the first seed); None when
    each reads exactly like `last`."""
    best: tuple[float, float] | None = None
    chosen: Draft | None = None
    for seed in seeds:
        draft = realized(replace(ctx, seed=seed), verifier)
        from_last = word_change(draft, last)
        if from_last == 0.0:
            continue
        key = (min([from_last, *(word_change(draft, d) for d in earlier)]), from_last)
        if best is None or key > best:
            best, chosen = key, draft
        if key[0] >= ENOUGH:
            break
    return chosen

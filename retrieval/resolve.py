"""Which product does a reference mean? Exact SKU, then EAN, then model/title, then semantic search.

Thresholds (cosine similarity of all-MiniLM-L6-v2 vectors, 1.0 = same direction), chosen by looking at
the scores of 20 typical references over the sample catalog (examples/catalog, 321 products):
- found: the best match scores >= FOUND_SCORE and leads the runner-up by >= FOUND_MARGIN ("Acme kettle":
  0.74 vs 0.48), or scores >= SURE_SCORE and leads by >= SURE_MARGIN. Two variants of one product
  ("Pebble stacking rainbow": 0.714 vs 0.708) and families ("HP notebook": 0.69 vs 0.65) stay ambiguous.
- CANDIDATE_SCORE: below it nothing is a plausible match ("purple elephant sandwich": 0.32, a brand the
  catalog lacks: 0.30): status "not_found", with the closest matches for "did you mean".
- Between the two: "ambiguous", with the plausible candidates and their scores, best first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from copydesk.domain import ProductMatch, Resolution
from copydesk.errors import InputError
from retrieval.documents import normalise, product_from_metadata

FOUND_SCORE = 0.65
FOUND_MARGIN = 0.15
SURE_SCORE = 0.85
SURE_MARGIN = 0.05
CANDIDATE_SCORE = 0.45
MAX_EXACT = 20  # an exact key shared by more products than this is reported with the first 20
# The longest title in the sample and shared catalogs has 536 characters; a reference several times longer
# is not a product name, and Slack allows 40,000 characters in a message.
MAX_REFERENCE_CHARS = 2000

_EAN = re.compile(r"^\d{8,14}$")
# Runs of code characters, then a digit test: one pattern "[\w./-]*\d[\w./-]*" rescans a long run with no
# digit from every start position (quadratic: 11 s for a 40,000-letter word). Both of these are linear.
_WORD = re.compile(r"[\w./-]+")
_DIGIT = re.compile(r"\d")
# Invisible characters (zero-width spaces, bidi marks, BOMs, control characters, lone surrogates) come
# with text pasted from web pages; nobody means them as part of a SKU.
_INVISIBLE = {"Cc", "Cf", "Cs"}

Search = Callable[[str, int], list[ProductMatch]]


def clean_reference(reference: str) -> str:
    """The reference as a person sees it: invisible characters dropped (tab and newline become spaces).

    InputError for one longer than MAX_REFERENCE_CHARS, so nothing reads a whole pasted document.
    """
    if len(reference) > MAX_REFERENCE_CHARS:
        raise InputError(
            f"That product reference is {len(reference):,} characters long; the limit is {MAX_REFERENCE_CHARS:,}.",
            hint="Name the product by its SKU, EAN, model number or title.",
        )
    visible = (" " if c.isspace() else c for c in reference if c.isspace() or unicodedata.category(c) not in _INVISIBLE)
    return "".join(visible).strip()


def code_tokens(text: str) -> list[str]:
    """Model-number candidates: runs of letters, digits and ./- that hold a digit and 4+ characters."""
    found = (t for t in _WORD.findall(text) if len(t) >= 4 and _DIGIT.search(t))
    return sorted({normalise(t.strip("./-")) for t in found})


def _exact(collection: Any, where: dict[str, Any], matched_on: str) -> list[ProductMatch]:
    got = collection.get(where=where, include=["metadatas"], limit=MAX_EXACT)
    return [ProductMatch(product=product_from_metadata(m), score=1.0, matched_on=matched_on) for m in got["metadatas"]]


def _decide(reference: str, matches: list[ProductMatch]) -> Resolution | None:
    if len(matches) == 1:
        return Resolution(status="found", query=reference, product=matches[0].product, candidates=matches)
    if matches:
        return Resolution(status="ambiguous", query=reference, candidates=matches)
    return None


def exact_lookups(collection: Any, reference: str) -> Resolution | None:
    """The exact steps, in order; None when none of them matches."""
    got = collection.get(ids=[reference], include=["metadatas"])
    if got["ids"]:
        product = product_from_metadata(got["metadatas"][0])
        return Resolution(status="found", query=reference, product=product,
                          candidates=[ProductMatch(product=product, score=1.0, matched_on="sku")])
    key = normalise(reference)
    steps: list[tuple[dict[str, Any], str]] = [({"sku_key": key}, "sku")]
    if _EAN.match(reference.replace(" ", "")):
        steps.append(({"eans": {"$contains": reference.replace(" ", "")}}, "ean"))
    steps += [({"model_key": key}, "model"), ({"title_key": key}, "title")]
    # A brand name alone ("Hornby") means one of that brand's products: say which, rather than let the
    # semantic scores of its titles decide (they shift with every cleaned title).
    steps.append(({"brand": reference.strip()}, "brand"))
    for where, matched_on in steps:
        decided = _decide(reference, _exact(collection, where, matched_on))
        if decided:
            return decided
    # A model number inside a longer reference ("the Hornby R1151 set"): only codes with a digit count.
    tokens = code_tokens(reference)
    if tokens and len(tokens) <= 10:
        return _decide(reference, _exact(collection, {"model_key": {"$in": tokens}}, "model"))
    return None


def semantic_decision(reference: str, matches: list[ProductMatch]) -> Resolution:
    if not matches or matches[0].score < CANDIDATE_SCORE:
        return Resolution(status="not_found", query=reference, candidates=matches)
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    lead = best.score - runner_up
    if (best.score >= FOUND_SCORE and lead >= FOUND_MARGIN) or (best.score >= SURE_SCORE and lead >= SURE_MARGIN):
        return Resolution(status="found", query=reference, product=best.product, candidates=matches)
    plausible = [m for m in matches if m.score >= CANDIDATE_SCORE]
    return Resolution(status="ambiguous", query=reference, candidates=plausible)


def resolve(collection: Any, search: Search, reference: str, limit: int = 5) -> Resolution:
    reference = clean_reference(reference)
    if not reference:
        return Resolution(status="not_found", query=reference)
    exact = exact_lookups(collection, reference)
    if exact is not None:
        return exact
    return semantic_decision(reference, search(reference, limit))


__all__ = ["resolve", "clean_reference", "code_tokens", "FOUND_SCORE", "FOUND_MARGIN", "CANDIDATE_SCORE", "MAX_REFERENCE_CHARS"]

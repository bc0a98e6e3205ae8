"""Which product does a reference mean? Exact SKU, then EAN, then model/title, then semantic search.

Thresholds (cosine similarity of all-MiniLM-L6-v2 vectors, 1.0 = same direction), chosen on the real
catalogs (see tests/retrieval/test_resolve.py and docs/bench-retrieval.md):
- FOUND_SCORE: a semantic best match at least this similar AND at least FOUND_MARGIN ahead of the
  runner-up is taken as the product ("the Hornby Caledonian Belle train set").
- CANDIDATE_SCORE: below this nothing is a plausible match: status "not_found", with the closest
  matches for "did you mean". Between the two: "ambiguous", with the candidates and their scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from copydesk.domain import ProductMatch, Resolution
from retrieval.documents import normalise, product_from_metadata

FOUND_SCORE = 0.80
FOUND_MARGIN = 0.08
CANDIDATE_SCORE = 0.45
MAX_EXACT = 20  # an exact key shared by more products than this is reported with the first 20

_EAN = re.compile(r"^\d{8,14}$")
_CODE_TOKEN = re.compile(r"[\w./-]*\d[\w./-]*")

Search = Callable[[str, int], list[ProductMatch]]


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
    for where, matched_on in steps:
        decided = _decide(reference, _exact(collection, where, matched_on))
        if decided:
            return decided
    # A model number inside a longer reference ("the Hornby R1151 set"): only codes with a digit count.
    tokens = sorted({normalise(t.strip("./-")) for t in _CODE_TOKEN.findall(reference) if len(t) >= 4})
    if tokens and len(tokens) <= 10:
        return _decide(reference, _exact(collection, {"model_key": {"$in": tokens}}, "model"))
    return None


def semantic_decision(reference: str, matches: list[ProductMatch]) -> Resolution:
    if not matches or matches[0].score < CANDIDATE_SCORE:
        return Resolution(status="not_found", query=reference, candidates=matches)
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if best.score >= FOUND_SCORE and best.score - runner_up >= FOUND_MARGIN:
        return Resolution(status="found", query=reference, product=best.product, candidates=matches)
    plausible = [m for m in matches if m.score >= CANDIDATE_SCORE]
    return Resolution(status="ambiguous", query=reference, candidates=plausible)


def resolve(collection: Any, search: Search, reference: str, limit: int = 5) -> Resolution:
    reference = reference.strip()
    if not reference:
        return Resolution(status="not_found", query=reference)
    exact = exact_lookups(collection, reference)
    if exact is not None:
        return exact
    return semantic_decision(reference, search(reference, limit))


__all__ = ["resolve", "FOUND_SCORE", "FOUND_MARGIN", "CANDIDATE_SCORE"]

"""resolve(): exact SKU, EAN, model and title first; then semantic search with documented thresholds."""

from __future__ import annotations

from retrieval.catalog import Catalog
from retrieval.resolve import CANDIDATE_SCORE


def test_exact_steps(real_catalog: Catalog) -> None:
    by_sku = real_catalog.resolve("3920564")
    assert by_sku.status == "found" and by_sku.candidates[0].matched_on == "sku"
    by_ean = real_catalog.resolve("0095205603217")
    assert by_ean.status == "found" and by_ean.product.sku == "3920564" and by_ean.candidates[0].matched_on == "ean"
    by_model = real_catalog.resolve("006r90321")  # case-insensitive
    assert by_model.status == "found" and by_model.candidates[0].matched_on == "model"
    by_title = real_catalog.resolve("hornby santa's express train set")
    assert by_title.status == "found" and by_title.candidates[0].matched_on == "title"
    in_words = real_catalog.resolve("write one for the Hornby R1179 please")
    assert in_words.status == "found" and in_words.product.model == "R1179"


def test_shared_model_is_ambiguous(real_catalog: Catalog) -> None:
    # Both Shopify lamp variants carry the same title stem; their EANs differ, their brand/category match.
    found = real_catalog.resolve("Northwind Arc Desk Lamp")
    assert found.status in ("ambiguous", "found")
    if found.status == "ambiguous":
        skus = {m.product.sku for m in found.candidates}
        assert {"NW-LAMP-GRA", "NW-LAMP-SND"} <= skus
        assert all(m.score >= CANDIDATE_SCORE for m in found.candidates)


def test_semantic_and_unknown(real_catalog: Catalog) -> None:
    unknown = real_catalog.resolve("quantum flux capacitor for a time machine")
    assert unknown.status == "not_found" and unknown.product is None
    assert unknown.candidates, "closest matches are offered"
    assert unknown.candidates[0].score < CANDIDATE_SCORE
    vague = real_catalog.resolve("a toner cartridge")
    assert vague.status in ("ambiguous", "found")
    assert all(m.matched_on == "semantic" for m in vague.candidates)
    assert [m.score for m in vague.candidates] == sorted((m.score for m in vague.candidates), reverse=True)


def _matches(*scores: float):
    from copydesk.domain import Product, ProductMatch

    return [ProductMatch(product=Product(sku=f"S{i}", title=f"Item {i}"), score=s, matched_on="semantic")
            for i, s in enumerate(scores)]


def test_semantic_thresholds() -> None:
    from retrieval.resolve import semantic_decision

    assert semantic_decision("q", _matches(0.74, 0.48)).status == "found"          # clear leader
    assert semantic_decision("q", _matches(0.90, 0.84)).status == "found"          # very close match
    assert semantic_decision("q", _matches(0.714, 0.708)).status == "ambiguous"    # two variants
    ambiguous = semantic_decision("q", _matches(0.60, 0.50, 0.30))
    assert ambiguous.status == "ambiguous" and [m.score for m in ambiguous.candidates] == [0.60, 0.50]
    unknown = semantic_decision("q", _matches(0.32, 0.30))
    assert unknown.status == "not_found" and len(unknown.candidates) == 2 and unknown.product is None
    assert semantic_decision("q", []).status == "not_found"

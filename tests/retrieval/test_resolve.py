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
    assert found.status == "ambiguous" and found.product is None
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


def test_code_tokens_are_linear_on_a_long_word() -> None:
    # The old pattern took 11 s on this 40,000-letter word (Slack's longest message): quadratic.
    import time

    from retrieval.resolve import code_tokens

    started = time.perf_counter()
    assert code_tokens("a" * 40_000) == []
    assert code_tokens("x" * 40_000 + "1") == ["x" * 40_000 + "1"]
    assert time.perf_counter() - started < 1.0  # the quadratic pattern took 11 s
    assert code_tokens("the Hornby R1179, or R1151/2 set 006R90321.") == ["006r90321", "r1151/2", "r1179"]


def test_a_whole_pasted_document_is_refused_at_once(fake_catalog: Catalog) -> None:
    import time

    import pytest

    from copydesk.errors import InputError
    from retrieval.resolve import MAX_REFERENCE_CHARS

    started = time.perf_counter()
    with pytest.raises(InputError, match="40,000 characters long; the limit is 2,000"):
        fake_catalog.resolve("a" * 40_000)
    assert time.perf_counter() - started < 1.0
    assert fake_catalog.resolve("b" * MAX_REFERENCE_CHARS).status == "not_found"


def test_invisible_characters_are_not_part_of_a_reference(fake_catalog: Catalog, tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("sku,title,model\nMUG-1,Blue mug,R1179\n", encoding="utf-8")
    fake_catalog.ingest_products([path])
    for pasted in ("\u200bMUG-1", "MUG-1\u200f", "\ufeffMUG-1\x00", "R1179\u200d", "the \u202eR1179 set"):
        found = fake_catalog.resolve(pasted)
        assert found.status == "found" and found.candidates[0].matched_on in ("sku", "model"), pasted

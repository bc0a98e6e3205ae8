"""Lookups that must not embed (a SKU or an EAN resolves exactly), and the many-product reads bulk drafting
uses: SKUs in one call, products by a part of their category path."""

from __future__ import annotations

from pathlib import Path

from copydesk.domain import Product
from retrieval.catalog import Catalog
from retrieval.readers import read_products


def _products(path: Path) -> list[Product]:
    return [p for p in read_products(path) if isinstance(p, Product)]


def test_resolving_a_sku_or_an_ean_embeds_nothing(fake_catalog: Catalog, slices: dict[str, Path]) -> None:
    fake_catalog.ingest_products([slices["icecat"], slices["amazon"]])
    with_ean = next(p for p in _products(slices["icecat"]) if p.ean)
    toy = _products(slices["amazon"])[0]
    calls = fake_catalog.embedder.calls  # texts per embed() call (tests/retrieval/fakes.py)
    calls.clear()
    assert fake_catalog.product(with_ean.sku).sku == with_ean.sku
    assert fake_catalog.product(with_ean.ean[0]).sku == with_ean.sku
    assert fake_catalog.product(f"  {toy.sku} ").sku == toy.sku
    assert calls == []
    fake_catalog.resolve("a wooden toy for a child")  # a description is searched: the counter does count
    assert calls == [1]


def test_get_many_returns_the_skus_it_knows(fake_catalog: Catalog, slices: dict[str, Path]) -> None:
    fake_catalog.ingest_products([slices["icecat"]])
    skus = [p.sku for p in _products(slices["icecat"])]
    found = fake_catalog.get_many([skus[2], "no-such-sku", skus[0], skus[2]])
    assert sorted(found) == sorted([skus[0], skus[2]])
    assert found[skus[0]].title == _products(slices["icecat"])[0].title


def test_in_category_matches_any_part_of_the_path_in_any_case(fake_catalog: Catalog,
                                                               slices: dict[str, Path]) -> None:
    fake_catalog.ingest_products([slices["icecat"], slices["amazon"]])
    toys = [p for p in _products(slices["amazon"]) if p.category]
    category = toys[0].category or ""
    part = category.split(">")[-1].strip()
    expected = sorted(p.sku for p in toys if part.casefold() in (p.category or "").casefold())
    assert sorted(p.sku for p in fake_catalog.in_category(part.upper())) == expected
    assert fake_catalog.in_category("no category has these words") == []
    assert fake_catalog.in_category("   ") == []

"""Ingestion bookkeeping with a tiny hash embedder; retrieval quality with the real model on real rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.errors import InputError
from retrieval.catalog import Catalog
from retrieval.documents import MAX_EMBED_CHARS
from tests.retrieval.conftest import AMAZON_ROWS, FLIPKART_ROWS, ICECAT_ROWS, SHOPIFY_ROWS


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("sku,title,brand,colour\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_reingest_is_a_no_op_and_a_changed_row_updates(fake_catalog: Catalog, tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", ["S1,Blue mug,Acme,Blue", "S2,Red plate,Acme,Red"])
    first = fake_catalog.ingest_products([path])
    assert (first.read, first.added, first.updated, first.unchanged) == (2, 2, 0, 0)
    calls_before = list(fake_catalog.embedder.calls)
    again = fake_catalog.ingest_products([path])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert fake_catalog.embedder.calls == calls_before  # nothing re-embedded
    _csv(path, ["S1,Blue mug,Acme,Navy", "S2,Red plate,Acme,Red"])
    changed = fake_catalog.ingest_products([path])
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 1)
    assert fake_catalog.get("S1").attributes["colour"] == "Navy"
    assert fake_catalog.count() == 2


def test_duplicate_skus_first_row_wins(fake_catalog: Catalog, tmp_path: Path) -> None:
    path = _csv(tmp_path / "dup.csv", ["D1,First,Acme,Blue", "D2,Other,Acme,Red", "D1,Second,Acme,Green"])
    report = fake_catalog.ingest_products([path])
    assert report.added == 2 and len(report.duplicates) == 1
    assert report.duplicates[0].line == 4 and "first row wins" in report.duplicates[0].reason
    assert fake_catalog.get("D1").title == "First"
    assert fake_catalog.ingest_products([path]).unchanged == 2  # stable on re-ingest


def test_bad_rows_are_reported_and_the_rest_goes_in(fake_catalog: Catalog, tmp_path: Path) -> None:
    path = _csv(tmp_path / "bad.csv", ["B1,Good,Acme,Blue", "B2,Too,many,fields,here", ",No sku,Acme,Red"])
    report = fake_catalog.ingest_products([path])
    assert report.added == 1
    assert sorted(e.line for e in report.errors) == [3, 4]
    assert all(e.file == str(path) for e in report.errors)


def test_unreadable_file_fails_before_anything_is_written(fake_catalog: Catalog, tmp_path: Path) -> None:
    good = _csv(tmp_path / "good.csv", ["G1,Good,Acme,Blue"])
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError):
        fake_catalog.ingest_products([good, empty])
    assert fake_catalog.count() == 0


def test_ten_thousand_attributes_stored_whole_embedded_capped(fake_catalog: Catalog, tmp_path: Path) -> None:
    record = {"id": "BIG", "title": "Very detailed item", "supplier": "Acme"}
    record.update({f"attr_t_spec_{i}": f"value {i}" for i in range(10_000)})
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert fake_catalog.ingest_products([path]).added == 1
    product = fake_catalog.get("BIG")
    assert product is not None and len(product.attributes) == 10_000
    stored = fake_catalog.products.get(ids=["BIG"], include=["documents"])["documents"][0]
    assert len(stored) <= MAX_EMBED_CHARS


def test_failed_batch_leaves_no_half_written_product(fake_catalog: Catalog, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path / "p.csv", [f"F{i},Item {i},Acme,Blue" for i in range(5)])

    def broken_embed(texts: list[str]) -> list[list[float]]:
        raise RuntimeError("power cut")

    monkeypatch.setattr(fake_catalog.embedder, "embed", broken_embed)
    with pytest.raises(RuntimeError):
        fake_catalog.ingest_products([path])
    assert fake_catalog.count() == 0  # the vector, text and product of a batch go in one upsert or not at all


def test_real_rows_search_get_and_sources(real_catalog: Catalog) -> None:
    assert real_catalog.count() == ICECAT_ROWS + AMAZON_ROWS + FLIPKART_ROWS + SHOPIFY_ROWS
    matches = real_catalog.search("toner cartridge for a laser printer", limit=3)
    assert matches and "toner" in matches[0].product.title.lower()
    assert matches[0].score > matches[-1].score or len(matches) == 1
    train = real_catalog.search("electric model train set", limit=3)
    assert any("Hornby" in (m.product.brand or "") for m in train)
    product = real_catalog.get("3920564")
    assert product is not None and product.source is not None and product.source.row == 1
    assert product.source_id == "product:3920564"
    assert real_catalog.get("no-such-sku") is None


def test_a_store_built_with_another_model_is_refused(settings, tmp_path: Path) -> None:
    from copydesk.errors import ConfigError
    from tests.retrieval.fakes import HashEmbedder

    Catalog.open(settings, embedder=HashEmbedder())
    other = HashEmbedder()
    other.name = "test:other"
    with pytest.raises(ConfigError, match="test:hash"):
        Catalog.open(settings, embedder=other)


def test_examples_load_in_one_call(fake_catalog: Catalog) -> None:
    from retrieval.samples import ingest_examples, sample_product_files

    assert {p.name for p in sample_product_files()} >= {"icecat-sample.jsonl", "amazon-uk-toys-sample.csv",
                                                        "shopify-demo.csv"}
    first = ingest_examples(fake_catalog)
    assert first[0].added >= 300 and not first[0].errors and not first[0].duplicates
    assert set(fake_catalog.brands()) == {"acme", "northwind", "pebble"}
    again = ingest_examples(fake_catalog)
    assert again[0].added == 0 and all(r.added == 0 for r in again[1:])

"""Ingest bookkeeping: what is embedded again and what is not."""

from __future__ import annotations

from pathlib import Path

from retrieval.catalog import Catalog
from retrieval.documents import HASH_KEY

ROWS = [f"S{i},Stoneware mug {i},Blue,{300 + i} ml" for i in range(1, 41)]


def _write(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("sku,title,colour,capacity\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_same_content_by_another_path_or_order_embeds_nothing(fake_catalog: Catalog, tmp_path: Path) -> None:
    # The probe: path and row number were in the content hash, so this re-embedded every row.
    first = fake_catalog.ingest_products([_write(tmp_path / "a.csv", ROWS)])
    assert first.added == 40
    embedded = sum(fake_catalog.embedder.calls)
    moved = _write(tmp_path / "elsewhere" / "b.csv", ROWS[::-1])
    again = fake_catalog.ingest_products([moved])
    assert sum(fake_catalog.embedder.calls) == embedded
    assert (again.unchanged, again.added, again.updated) == (40, 0, 0)
    assert fake_catalog.get("S1").source.file == str(moved) and fake_catalog.get("S1").source.row == 41


def test_products_stored_under_the_older_hash_are_not_embedded_again(fake_catalog: Catalog, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", ROWS)
    fake_catalog.ingest_products([path])
    ids = [f"S{i}" for i in range(1, 41)]
    stored = fake_catalog.products.get(ids=ids, include=["metadatas"])
    fake_catalog.products.update(ids=stored["ids"],
                                 metadatas=[{**m, HASH_KEY: "hash-of-the-path-era"} for m in stored["metadatas"]])
    embedded = sum(fake_catalog.embedder.calls)
    report = fake_catalog.ingest_products([path])
    assert sum(fake_catalog.embedder.calls) == embedded and report.unchanged == 40


def test_changed_content_is_embedded_again(fake_catalog: Catalog, tmp_path: Path) -> None:
    fake_catalog.ingest_products([_write(tmp_path / "a.csv", ROWS)])
    embedded = sum(fake_catalog.embedder.calls)
    report = fake_catalog.ingest_products([_write(tmp_path / "a.csv", [ROWS[0].replace("Blue", "Red"), *ROWS[1:]])])
    assert sum(fake_catalog.embedder.calls) == embedded + 1 and (report.updated, report.unchanged) == (1, 39)

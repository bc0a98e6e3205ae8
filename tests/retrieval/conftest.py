"""Fixtures for the retrieval tests: real-data slices, the real embedder (loaded once), catalogs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from copydesk.settings import Settings
from retrieval.catalog import Catalog
from tests.retrieval.fakes import HashEmbedder

# Rows embedded for real: enough to test retrieval, few enough for a shared 2-core machine.
ICECAT_ROWS, AMAZON_ROWS, FLIPKART_ROWS, SHOPIFY_ROWS = 10, 8, 5, 7


def _head_lines(source: Path, target: Path, count: int) -> Path:
    with source.open(encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(count)]
    target.write_text("".join(lines), encoding="utf-8")
    return target


def _head_csv(source: Path, target: Path, count: int) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(count), reader)]
        header = reader.fieldnames or []
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.fixture(scope="session")
def slices(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small unchanged slices of the three real product files."""
    folder = tmp_path_factory.mktemp("slices")
    products = shared_data / "products"
    return {
        "icecat": _head_lines(products / "icecat-electronics.jsonl", folder / "icecat.jsonl", ICECAT_ROWS),
        "amazon": _head_csv(products / "amazon-uk-toys.csv", folder / "amazon.csv", AMAZON_ROWS),
        "flipkart": _head_csv(products / "flipkart-sample.csv", folder / "flipkart.csv", FLIPKART_ROWS),
    }


@pytest.fixture(scope="session")
def real_embedder():
    """all-MiniLM-L6-v2 from its PyPI package, loaded once for the whole session."""
    from retrieval.embeddings import Embedder

    return Embedder.from_settings(Settings(_env_file=None))


@pytest.fixture
def fake_catalog(settings: Settings) -> Catalog:
    return Catalog.open(settings, embedder=HashEmbedder())


@pytest.fixture(scope="session")
def real_catalog(real_embedder, slices: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The real slices and the example guides in one embedded store, shared by read-only tests."""
    from copydesk.paths import EXAMPLES_DIR

    home = tmp_path_factory.mktemp("real-home")
    catalog = Catalog.open(Settings(home=home, _env_file=None), embedder=real_embedder)
    catalog.ingest_products([slices["icecat"], slices["amazon"], slices["flipkart"]])
    catalog.ingest_products([EXAMPLES_DIR / "catalog" / "shopify-demo.csv"])
    for brand in ("northwind", "pebble"):
        catalog.ingest_styles(EXAMPLES_DIR / "brands" / brand, brand)
    return catalog

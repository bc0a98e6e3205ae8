"""The sample catalog and brand guides that ship in examples/, loaded in one call (for `make run`, demos)."""

from __future__ import annotations

from pathlib import Path

from copydesk.paths import EXAMPLES_DIR
from retrieval.catalog import Catalog
from retrieval.report import IngestReport


def sample_product_files(examples: Path = EXAMPLES_DIR) -> list[Path]:
    folder = examples / "catalog"
    return sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".jsonl", ".json"))


def sample_brand_folders(examples: Path = EXAMPLES_DIR) -> list[Path]:
    return sorted(p for p in (examples / "brands").iterdir() if p.is_dir())


def ingest_examples(catalog: Catalog, *, progress: bool = False, examples: Path = EXAMPLES_DIR) -> list[IngestReport]:
    """Products from examples/catalog and every examples/brands/<brand> guide (brand = folder name).

    Safe to call on every start: unchanged products and chunks are skipped, so a second call embeds nothing.
    """
    reports = [catalog.ingest_products(sample_product_files(examples), progress=progress)]
    for folder in sample_brand_folders(examples):
        reports.append(catalog.ingest_styles(folder, folder.name))
    return reports

"""A store that is gone at restart is reported, not silently replaced by an empty one."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from copydesk.settings import Settings
from retrieval.catalog import Catalog
from tests.retrieval.fakes import HashEmbedder


def _restart(settings: Settings) -> Catalog:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # a new process: Chroma keeps open stores per path in memory
    return Catalog.open(settings, embedder=HashEmbedder())


def test_a_deleted_store_is_reported_at_restart(settings: Settings, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "p.csv"
    path.write_text("sku,title\nA1,Blue mug\nA2,Red mug\n", encoding="utf-8")
    Catalog.open(settings, embedder=HashEmbedder()).ingest_products([path])
    assert _restart(settings).store_warning is None
    shutil.rmtree(settings.chroma_path)
    with caplog.at_level(logging.WARNING, logger="retrieval.catalog"):
        reopened = _restart(settings)
    assert reopened.count() == 0
    assert reopened.store_warning and "holds only 0 of 2 products" in reopened.store_warning
    assert str(settings.chroma_path) in reopened.store_warning and "ingest" in reopened.store_warning
    assert reopened.store_warning in caplog.text
    reopened.ingest_products([path])  # ingesting again makes it whole
    assert _restart(settings).store_warning is None


def test_a_new_home_or_another_store_has_nothing_to_miss(settings: Settings, tmp_path: Path) -> None:
    assert _restart(settings).store_warning is None
    path = tmp_path / "p.csv"
    path.write_text("sku,title\nA1,Blue mug\n", encoding="utf-8")
    Catalog.open(settings, embedder=HashEmbedder()).ingest_products([path])
    other = settings.model_copy(update={"collection_prefix": "other"})
    assert _restart(other).store_warning is None

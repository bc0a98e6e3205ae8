"""Approved drafts -> plain CSV and a Shopify product CSV that copydesk's own Shopify reader reads back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chains.drafting import refine_draft
from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from chains.exports import export_approved, handleize
from copydesk.errors import InputError
from retrieval.readers import RowError, read_products
from tests.chains.drafting.fixtures import STARTECH_SKU, XEROX_SKU, shared_env


@pytest.fixture
def approved(tmp_path: Path, shared_data: Path, tiny_lm_dir: Path):
    settings, catalog = shared_env(shared_data, tiny_lm_dir)
    store = DraftStore(tmp_path / "drafts.sqlite3")
    chain = CopyChain(catalog, None, store, settings)
    xerox = chain.draft(chain.catalog.product(XEROX_SKU), channel="shopify", channel_id="C1").draft
    shorter = refine_draft(chain, xerox.draft_id, "shorter").draft
    startech = chain.draft(chain.catalog.product(STARTECH_SKU), channel_id="C2").draft
    chain.draft(chain.catalog.product(XEROX_SKU), channel_id="C1")  # never approved: not exported
    store.approve(xerox.draft_id)  # version 2
    store.approve(startech.draft_id)
    return store, catalog, shorter, startech


def test_plain_csv_has_one_row_per_approved_draft(approved, tmp_path: Path) -> None:
    store, catalog, shorter, startech = approved
    out = tmp_path / "out" / "approved.csv"
    assert export_approved(store, catalog, out, fmt="csv") == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["draft_id"], r["version"]) for r in rows] == [(shorter.draft_id, "2"), (startech.draft_id, "1")]
    assert rows[0]["title"] == shorter.title and rows[0]["bullet_1"] == shorter.bullets[0]
    assert export_approved(store, catalog, tmp_path / "c2.csv", fmt="csv", channel_id="C2") == 1


def test_shopify_csv_round_trips_through_the_shopify_reader(approved, tmp_path: Path) -> None:
    store, catalog, shorter, startech = approved
    out = tmp_path / "shopify.csv"
    assert export_approved(store, catalog, out, fmt="shopify") == 2
    products = [p for p in read_products(out) if not isinstance(p, RowError)]
    assert [p.sku for p in products] == [XEROX_SKU, STARTECH_SKU]
    assert products[0].title == shorter.title and products[0].brand == "Xerox"
    assert shorter.bullets[0] in (products[0].description or "")
    with pytest.raises(InputError):
        export_approved(store, catalog, tmp_path / "x", fmt="xml")  # type: ignore[arg-type]


def test_handleize() -> None:
    assert handleize("Xerox 006R90321 Toner, Black (6 pc/s)") == "xerox-006r90321-toner-black-6-pc-s"

"""Approved drafts -> plain CSV, a Shopify product CSV that copydesk's own Shopify reader reads back, and an
Amazon flat-file style CSV; every format spreadsheet-safe."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chains.drafting import refine_draft
from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from chains.exports import AMAZON_COLUMNS, export_approved, handleize, safe_cell
from copydesk.domain import Draft
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


def test_amazon_flat_file_has_item_name_five_bullets_and_the_description(approved, tmp_path: Path) -> None:
    store, catalog, shorter, startech = approved
    out = tmp_path / "amazon.csv"
    assert export_approved(store, catalog, out, fmt="amazon") == 2
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == AMAZON_COLUMNS
        rows = list(reader)
    assert [r["item_sku"] for r in rows] == [XEROX_SKU, STARTECH_SKU]
    assert rows[0]["item_name"] == shorter.title and rows[0]["product_description"] == shorter.description
    assert [rows[1][f"bullet_point{i}"] for i in range(1, len(startech.bullets[:5]) + 1)] == startech.bullets[:5]
    assert rows[0]["brand_name"] == "Xerox"
    product = catalog.get(XEROX_SKU)
    assert rows[0]["external_product_id"] == product.ean[0] and rows[0]["external_product_id_type"] == "EAN"


def test_safe_cell_neutralises_what_a_spreadsheet_would_run() -> None:
    for text in ("=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    for value in ("Black toner", "-5", "+44", "4,995.00", 12, None, "", "a=b", " =1"):
        assert safe_cell(value) == value


@pytest.mark.parametrize("fmt", ["csv", "shopify", "amazon"])
def test_no_export_cell_starts_like_a_formula(fmt: str, tmp_path: Path, shared_data: Path,
                                              tiny_lm_dir: Path) -> None:
    """Catalog text that starts like a formula (title, bullet, description) reaches every format quoted."""
    settings, catalog = shared_env(shared_data, tiny_lm_dir)
    store = DraftStore(tmp_path / "drafts.sqlite3")
    planted = Draft(sku=XEROX_SKU, title='=HYPERLINK("http://evil.example","Toner")',
                    bullets=["+44 123 formula", "-1+1", "@SUM(1,2)", "\t=tab", "Plain bullet"],
                    description="=cmd|' /C calc'!A0", meta_description="@meta", origin="edit")
    stored = store.save(planted)
    store.approve(stored.draft_id)
    out = tmp_path / f"{fmt}.csv"
    assert export_approved(store, catalog, out, fmt=fmt) == 1
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not c.lstrip("+-").isdigit()]
    assert risky == []
    planted_texts = [planted.title, *planted.bullets[:4]] if fmt != "shopify" else [planted.title]
    for text in planted_texts:
        assert "'" + text in cells, (text, cells)  # kept, only neutralised


def test_handleize() -> None:
    assert handleize("Xerox 006R90321 Toner, Black (6 pc/s)") == "xerox-006r90321-toner-black-6-pc-s"

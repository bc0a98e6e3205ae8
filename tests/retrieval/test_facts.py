"""The facts panel shows catalog numbers with the knowledge graph's units (issue 16 item 2)."""

from __future__ import annotations

from itertools import islice

from copydesk.domain import Product
from retrieval.facts import facts_for
from retrieval.readers import RowError, read_products


def test_bare_icecat_numbers_are_shown_with_their_units(shared_data) -> None:
    products = (p for p in read_products(shared_data / "products" / "icecat-electronics.jsonl")
                if not isinstance(p, RowError))
    notebook = next(p for p in islice(products, 5) if p.sku == "2101957")
    lines = {f.name: f.value for f in facts_for(notebook)}
    assert notebook.attributes["Processor frequency"] == "2.13"  # the reader keeps the catalog's bare number
    assert lines["Processor frequency"] == "2.13 GHz"
    assert lines["Internal memory"] == "4 GB" and lines["Maximum internal memory"] == "8 GB"
    assert lines["USB 2.0 ports quantity"] == "4"  # a count: its name says what it counts


def test_values_with_their_own_unit_or_no_known_unit_are_left_alone() -> None:
    product = Product(sku="x", title="t", attributes={"Weight": "1.2 Kg", "Tjunction": "90", "Colour": "Red"})
    shown = {f.name: f.value for f in facts_for(product)}
    assert shown["Weight"] == "1.2 Kg" and shown["Colour"] == "Red"
    assert shown["Tjunction"] == "90"  # no known unit: the panel shows the catalog's value; copy never says it

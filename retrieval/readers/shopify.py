"""Shopify's product CSV export: one row per variant (and per extra image), grouped by `Handle`.

Product-level columns (Title, Body (HTML), Vendor, Type...) are filled on a handle's first row only;
later rows of the same handle inherit them. Each variant row becomes one Product (SKU = Variant SKU,
or the handle with the option values appended to keep it unique); image-only rows carry no product
data and add nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from copydesk.domain import Product, SourceRef
from retrieval.readers.base import RowError, clean_text, csv_rows, format_number

SIGNATURE_COLUMNS = {"Handle", "Title", "Body (HTML)"}
_PRODUCT_COLUMNS = ("Title", "Body (HTML)", "Vendor", "Type", "Product Category", "Tags",
                    "Option1 Name", "Option2 Name", "Option3 Name")


def _variant_options(row: dict[str, str], parent: dict[str, str]) -> dict[str, str]:
    """Option name -> value; later variant rows leave the option names empty and inherit them."""
    options: dict[str, str] = {}
    for i in (1, 2, 3):
        name = clean_text(row.get(f"Option{i} Name")) or clean_text(parent.get(f"Option{i} Name"))
        value = clean_text(row.get(f"Option{i} Value"))
        if value and not (name == "Title" and value == "Default Title"):
            options[name or f"Option {i}"] = value
    return options


def _is_image_row(row: dict[str, str]) -> bool:
    return not any(clean_text(row.get(c)) for c in ("Variant SKU", "Option1 Value", "Variant Price", "Title"))


def read_shopify(path: Path) -> Iterator[Product | RowError]:
    file = str(path)
    _, rows = csv_rows(path)
    parent: dict[str, str] = {}
    parent_handle = ""
    for line, row in rows:
        if isinstance(row, str):
            yield RowError(file, line, row)
            continue
        handle = clean_text(row.get("Handle"))
        if not handle:
            yield RowError(file, line, "no Handle")
            continue
        if handle != parent_handle:
            parent_handle = handle
            parent = {c: row.get(c) or "" for c in _PRODUCT_COLUMNS}
        if _is_image_row(row):
            continue
        title = clean_text(parent.get("Title"))
        if not title:
            yield RowError(file, line, f"handle {handle!r} has no Title on its first row")
            continue
        options = _variant_options(row, parent)
        sku = clean_text(row.get("Variant SKU")) or "-".join([handle, *options.values()])
        attributes = dict(options)
        grams = clean_text(row.get("Variant Grams"))
        if grams and grams not in ("0", "0.0"):
            try:
                attributes["Weight"] = f"{format_number(float(grams))} g"
            except ValueError:
                attributes["Weight"] = grams
        tags = clean_text(parent.get("Tags"))
        if tags:
            attributes["Tags"] = tags
        barcode = clean_text(row.get("Variant Barcode")).lstrip("'")
        yield Product(
            sku=sku,
            title=title if not options else f"{title} - {' / '.join(options.values())}",
            brand=clean_text(parent.get("Vendor")) or None,
            category=clean_text(parent.get("Product Category")) or clean_text(parent.get("Type")) or None,
            model=None,  # a handle is a URL slug, not a model number
            ean=[barcode] if barcode else [],
            attributes=attributes,
            # Kept as HTML: cleaning (retrieval.cleaning, run by read_products) makes it text with its
            # paragraphs and lists, and records the markup it took out.
            description=clean_text(parent.get("Body (HTML)")) or None,
            price=clean_text(row.get("Variant Price")) or None,
            source=SourceRef(file=file, row=line),
        )

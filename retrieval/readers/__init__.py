"""Product readers: one module per source format, all yielding `Product | RowError`.

`read_products` looks at a file's header (CSV) or first record's keys (JSON) to pick the reader:
Icecat JSONL, Amazon UK toys CSV, Flipkart CSV, Shopify product export, else generic CSV/JSON with a
ColumnMapping (explicit, or recognised column names). A mapping given by the user always wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from copydesk.domain import Product, SourceRef
from copydesk.errors import InputError
from retrieval.cleaning import clean_products
from retrieval.instructions import screen
from retrieval.readers import amazon, flipkart, icecat, shopify
from retrieval.readers.base import RowError, csv_rows, sniff_text
from retrieval.readers.generic import read_generic_csv, read_generic_json
from retrieval.readers.mapping import ColumnMapping

ReadResult = Product | RowError

__all__ = ["ColumnMapping", "ReadResult", "RowError", "detect_format", "read_products"]


def detect_format(path: Path) -> str:
    """One of icecat, amazon, flipkart, shopify, csv, json (generic)."""
    head = sniff_text(path).lstrip()
    if head.startswith(("{", "[")):
        first_line = head.split("\n", 1)[0]
        try:
            first = json.loads(first_line)
        except (ValueError, RecursionError):
            first = None
        # Icecat's own keys decide, not its attr_* specs: some Icecat products have no specs at all.
        if isinstance(first, dict) and icecat.SIGNATURE_KEYS <= first.keys() and "supplier" in first:
            return "icecat"
        return "json"
    header, rows = csv_rows(path)
    rows.close()  # only the header was needed
    columns = set(header)
    if amazon.SIGNATURE_COLUMNS <= columns:
        return "amazon"
    if flipkart.SIGNATURE_COLUMNS <= columns:
        return "flipkart"
    if shopify.SIGNATURE_COLUMNS <= columns:
        return "shopify"
    return "csv"


def read_products(path: Path, mapping: ColumnMapping | None = None) -> Iterator[ReadResult]:
    """Every record of `path` as a Product, or a RowError saying which line failed and why.

    Raises InputError at once for a file that cannot be read at all (missing, empty, binary, no header,
    or columns that cannot be mapped to a SKU and a title). Text is cleaned first (markup, labels, seller
    boilerplate; see retrieval.cleaning), so markup cannot hide instructions from the screen. Fields holding
    instructions addressed to a model are withheld (see retrieval.instructions); a title holding them makes
    the row a RowError. Both record what they took out in `Product.removed`.
    """
    return _screened(clean_products(_reader(Path(path), mapping)))


def _reader(path: Path, mapping: ColumnMapping | None) -> Iterator[ReadResult]:
    kind = detect_format(path)
    if mapping is not None:
        if kind in ("icecat", "json"):
            return read_generic_json(path, mapping)
        return read_generic_csv(path, mapping)
    if kind == "icecat":
        return icecat.read_icecat(path)
    if kind == "amazon":
        return amazon.read_amazon(path)
    if kind == "flipkart":
        return flipkart.read_flipkart(path)
    if kind == "shopify":
        return shopify.read_shopify(path)
    if kind == "json":
        return read_generic_json(path, None)
    if kind == "csv":
        return read_generic_csv(path, None)
    raise InputError(f"{path}: unknown format {kind}.")  # pragma: no cover


def _screened(results: Iterator[ReadResult]) -> Iterator[ReadResult]:
    for item in results:
        if isinstance(item, Product):
            try:
                item = screen(item)
            except ValueError as error:
                source = item.source or SourceRef(file="?")
                item = RowError(source.file, source.row or 0, str(error))
        yield item

"""Which products a bulk job drafts: a category (any part of the category path), a search query (products
that plausibly match, best first), or references read from a file (SKUs, one per line or a CSV column)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from copydesk.domain import Product
from copydesk.errors import InputError
from retrieval.catalog import Catalog
from retrieval.resolve import CANDIDATE_SCORE, clean_reference

# Column names a SKU column goes by in exports people already have (ours, Shopify's, Amazon's, generic ones).
SKU_COLUMNS = ("sku", "variant sku", "item_sku", "product_id", "id", "asin", "ean", "reference")
MAX_REFERENCES = 100_000  # a larger file is not a selection anyone reviews: split it


@dataclass(frozen=True)
class Selection:
    """What a bulk request names. `references`: for kind "references", the SKUs in the order given."""

    kind: Literal["category", "query", "references"]
    text: str = ""
    references: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "references":
            return f"{len(self.references)} listed product(s)"
        return f"{self.kind} “{self.text}”"


@dataclass(frozen=True)
class Pick:
    """One product of the selection, or the reason a listed reference has none."""

    reference: str
    product: Product | None
    error: str | None = None


def select(catalog: Catalog, selection: Selection, *, query_limit: int) -> list[Pick]:
    """The selection's products in order; references the catalog lacks come back with their reason."""
    if selection.kind == "category":
        products = catalog.in_category(selection.text)
        if not products:
            raise InputError(f"No product's category contains “{selection.text}”.",
                             hint="Check the spelling, or name the products by a search or a list of SKUs.")
        return [Pick(p.sku, p) for p in products]
    if selection.kind == "query":
        matches = [m for m in catalog.search(selection.text, limit=query_limit) if m.score >= CANDIDATE_SCORE]
        if not matches:
            raise InputError(f"No product plausibly matches “{selection.text}”.",
                             hint="Use other words, or name the products by a category or a list of SKUs.")
        return [Pick(m.product.sku, m.product) for m in matches]
    found = catalog.get_many(list(selection.references))
    return [Pick(ref, found.get(ref), None if ref in found else f"No product with SKU “{ref}” in the catalog.")
            for ref in selection.references]


def read_references(text: str, *, name: str = "the file") -> tuple[str, ...]:
    """SKUs from a file's text: a CSV with a SKU column (sku, Variant SKU, item_sku, ...), else the first
    column; blank lines and lines starting with # are skipped, repeats kept once (first place)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"{name} lists no SKUs.", hint="Give one SKU per line, or a CSV with a `sku` column.")
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    header = [cell.strip().casefold() for cell in rows[0]]
    column = next((header.index(c) for c in SKU_COLUMNS if c in header), None)
    if column is not None:
        rows = rows[1:]
    values = [clean_reference(row[column or 0]) for row in rows if len(row) > (column or 0)]
    references = tuple(dict.fromkeys(v for v in values if v))
    if len(references) > MAX_REFERENCES:
        raise InputError(f"{name} lists {len(references):,} SKUs; one bulk job takes at most {MAX_REFERENCES:,}.",
                         hint="Split the file.")
    if not references:
        raise InputError(f"{name} lists no SKUs.", hint="Give one SKU per line, or a CSV with a `sku` column.")
    return references

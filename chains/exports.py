"""Drafts out of copydesk as the files marketplaces take: a plain CSV, a Shopify product CSV (HTML body) and
an Amazon flat-file style CSV (item_name, bullet_point1-5, product_description).

Every CSV cell is spreadsheet-safe: catalog text that starts like a formula is neutralised (`safe_cell`)."""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from copydesk.state.drafts import DraftStore
from copydesk.domain import Draft, Product
from copydesk.errors import InputError
from retrieval.catalog import Catalog

ExportFormat = Literal["csv", "shopify", "amazon"]
FORMATS: tuple[str, ...] = ("csv", "shopify", "amazon")

# The columns of Shopify's product import template that copy fills (Shopify ignores absent optional columns).
SHOPIFY_COLUMNS = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price", "Variant Barcode",
    "SEO Title", "SEO Description", "Status",
]
# Amazon's inventory flat-file field names for listing copy (one header row: the "flat-file style" most
# tools and Amazon's own "Add products via upload" mapping accept).
AMAZON_BULLETS = 5
AMAZON_COLUMNS = [
    "item_sku", "item_name", "brand_name", "external_product_id", "external_product_id_type",
    *(f"bullet_point{i}" for i in range(1, AMAZON_BULLETS + 1)), "product_description",
]

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets (OWASP "CSV
# injection"). Hand-written rather than defusedcsv: that library leaves tab and CR alone and rewrites every
# "|" inside such a cell, which would change product text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet shows it without running it: text that starts like a formula gets a leading
    apostrophe (spreadsheets hide it and show the text). Numbers (also "-5" as text) are left as they are."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START) or _NUMBER.match(value):
        return value
    return "'" + value


def write_csv(out: Path, columns: list[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write rows (missing keys: empty) with every cell spreadsheet-safe; returns the number of rows."""
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
            count += 1
    return count


def export_approved(
    store: DraftStore, catalog: Catalog, out: Path, *, fmt: ExportFormat, channel_id: str | None = None
) -> int:
    """Write the latest approved version of every approved draft to `out`; returns the number of rows."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown export format {fmt!r}.", hint=f"Use one of: {', '.join(FORMATS)}.")
    drafts = store.approved(channel_id)
    if fmt == "csv":
        return write_csv(out, plain_columns(drafts), (plain_row(d) for d in drafts))
    products = {d.sku: catalog.get(d.sku) for d in drafts}
    if fmt == "shopify":
        return write_csv(out, SHOPIFY_COLUMNS, shopify_rows([(d, products[d.sku]) for d in drafts]))
    return write_csv(out, AMAZON_COLUMNS, (amazon_row(d, products[d.sku]) for d in drafts))


def plain_columns(drafts: list[Draft]) -> list[str]:
    width = max((len(d.bullets) for d in drafts), default=0)
    return ["draft_id", "version", "sku", "brand", "channel", "title",
            *(f"bullet_{i}" for i in range(1, width + 1)), "description", "meta_description", "facts_used"]


def plain_row(draft: Draft) -> dict[str, Any]:
    row = {"draft_id": draft.draft_id, "version": draft.version, "sku": draft.sku, "brand": draft.brand or "",
           "channel": draft.channel, "title": draft.title, "description": draft.description,
           "meta_description": draft.meta_description or "", "facts_used": " ".join(draft.facts_used)}
    row.update({f"bullet_{i}": b for i, b in enumerate(draft.bullets, start=1)})
    return row


def shopify_rows(pairs: Iterable[tuple[Draft, Product | None]]) -> Iterable[dict[str, Any]]:
    """One Shopify row per draft, handles unique within the file."""
    handles: set[str] = set()
    for draft, product in pairs:
        slug = _unique(handleize(draft.title) or handleize(draft.sku), handles)
        yield {
            "Handle": slug,
            "Title": draft.title,
            "Body (HTML)": body_html(draft),
            "Vendor": (product.brand if product else None) or draft.brand or "",
            "Product Category": "",
            "Type": (product.category.split(">")[-1].strip() if product and product.category else ""),
            "Tags": "copydesk",
            "Published": "FALSE",  # approved copy still goes live by a person's hand in Shopify
            "Option1 Name": "Title",
            "Option1 Value": "Default Title",
            "Variant SKU": draft.sku,
            "Variant Price": (product.price if product and product.price else ""),
            "Variant Barcode": (product.ean[0] if product and product.ean else ""),
            "SEO Title": draft.title[:70],
            "SEO Description": draft.meta_description or "",
            "Status": "draft",
        }


def amazon_row(draft: Draft, product: Product | None) -> dict[str, Any]:
    """Amazon's fields: five bullet points at most (Amazon shows five); the EAN as the external id."""
    ean = product.ean[0] if product and product.ean else ""
    row: dict[str, Any] = {
        "item_sku": draft.sku, "item_name": draft.title,
        "brand_name": (product.brand if product else None) or draft.brand or "",
        "external_product_id": ean, "external_product_id_type": "EAN" if ean else "",
        "product_description": draft.description,
    }
    row.update({f"bullet_point{i}": b for i, b in enumerate(draft.bullets[:AMAZON_BULLETS], start=1)})
    return row


def body_html(draft: Draft) -> str:
    # One <p> per paragraph: realized descriptions keep their paragraphs as lines.
    parts = [f"<p>{html.escape(line.strip())}</p>" for line in draft.description.splitlines() if line.strip()]
    if draft.bullets:
        parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in draft.bullets) + "</ul>")
    return "".join(parts)


def handleize(text: str) -> str:
    """Shopify's handle form: lower case, ASCII letters and digits joined by single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:200]


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate

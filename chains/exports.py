"""Approved drafts out of copydesk: a plain CSV, or a Shopify product CSV ready for Shopify's importer."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path
from typing import Literal

from copydesk.state.drafts import DraftStore
from copydesk.domain import Draft
from copydesk.errors import InputError
from retrieval.catalog import Catalog

# The columns of Shopify's product import template that copy fills (Shopify ignores absent optional columns).
SHOPIFY_COLUMNS = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price", "Variant Barcode",
    "SEO Title", "SEO Description", "Status",
]


def export_approved(
    store: DraftStore, catalog: Catalog, out: Path, *, fmt: Literal["csv", "shopify"], channel_id: str | None = None
) -> int:
    """Write the latest approved version of every approved draft to `out`; returns the number of rows."""
    drafts = store.approved(channel_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        return _write_plain(drafts, out)
    if fmt == "shopify":
        return _write_shopify(drafts, catalog, out)
    raise InputError(f"Unknown export format {fmt!r}.", hint="Use csv or shopify.")


def _write_plain(drafts: list[Draft], out: Path) -> int:
    width = max((len(d.bullets) for d in drafts), default=0)
    columns = ["draft_id", "version", "sku", "brand", "channel", "title",
               *(f"bullet_{i}" for i in range(1, width + 1)), "description", "meta_description", "facts_used"]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for draft in drafts:
            row = {"draft_id": draft.draft_id, "version": draft.version, "sku": draft.sku, "brand": draft.brand or "",
                   "channel": draft.channel, "title": draft.title, "description": draft.description,
                   "meta_description": draft.meta_description or "", "facts_used": " ".join(draft.facts_used)}
            row.update({f"bullet_{i}": b for i, b in enumerate(draft.bullets, start=1)})
            writer.writerow(row)
    return len(drafts)


def _write_shopify(drafts: list[Draft], catalog: Catalog, out: Path) -> int:
    handles: set[str] = set()
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHOPIFY_COLUMNS)
        writer.writeheader()
        for draft in drafts:
            product = catalog.get(draft.sku)
            slug = _unique(handleize(draft.title) or handleize(draft.sku), handles)
            writer.writerow({
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
            })
    return len(drafts)


def body_html(draft: Draft) -> str:
    parts = [f"<p>{html.escape(draft.description)}</p>"] if draft.description else []
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

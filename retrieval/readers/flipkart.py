"""Flipkart products CSV (PromptCloud): `product_specifications` holds Ruby-hash key/value pairs.

`{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton Lycra"}, {"value"=>"3 shorts"}]}`
is JSON once `"=>` becomes `":`; pairs without a key are kept as "Note", "Note 2", ...
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copydesk.domain import Product, SourceRef
from retrieval.readers.base import RowError, clean_text, csv_rows

SIGNATURE_COLUMNS = {"uniq_id", "pid", "product_name", "product_specifications"}


def parse_specifications(blob: str) -> dict[str, str]:
    """Attribute name -> value; ValueError when the blob is not the Ruby-hash form."""
    blob = (blob or "").strip()
    if not blob:
        return {}
    data: Any = json.loads(blob.replace('"=>', '":'))
    entries = data.get("product_specification", []) if isinstance(data, dict) else []
    if isinstance(entries, dict):
        entries = [entries]
    found: dict[str, str] = {}
    notes = 0
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        value = clean_text(str(entry.get("value") or ""))
        if not value:
            continue
        key = clean_text(str(entry.get("key") or ""))
        if not key:
            notes += 1
            key = "Note" if notes == 1 else f"Note {notes}"
        if key not in found:
            found[key] = value
    return found


def category_from_tree(tree: str) -> str | None:
    """`["Clothing >> Women's Clothing >> ... >> Product name"]` -> "Clothing > Women's Clothing > ..."."""
    try:
        paths = json.loads(tree) if tree.strip().startswith("[") else [tree]
    except ValueError:
        paths = [tree.strip("[]\"")]
    if not paths:
        return None
    parts = [p.strip() for p in str(paths[0]).split(">>") if p.strip()]
    # The last element repeats the product name; the rest is the category path.
    return " > ".join(parts[:-1] if len(parts) > 1 else parts) or None


def read_flipkart(path: Path) -> Iterator[Product | RowError]:
    file = str(path)
    _, rows = csv_rows(path)
    for line, row in rows:
        if isinstance(row, str):
            yield RowError(file, line, row)
            continue
        sku = (row.get("pid") or row.get("uniq_id") or "").strip()
        title = clean_text(row.get("product_name"))
        if not sku or not title:
            yield RowError(file, line, "no pid/uniq_id" if not sku else "no product_name")
            continue
        try:
            attributes = parse_specifications(row.get("product_specifications") or "")
        except ValueError as error:
            yield RowError(file, line, f"product_specifications is not in Flipkart's key/value form: {error}")
            continue
        price = clean_text(row.get("discounted_price")) or clean_text(row.get("retail_price"))
        yield Product(
            sku=sku,
            title=title,
            brand=clean_text(row.get("brand")) or attributes.get("Brand") or None,
            category=category_from_tree(row.get("product_category_tree") or ""),
            model=attributes.get("Model Number") or attributes.get("Model Name") or attributes.get("Style Code"),
            attributes=attributes,
            description=clean_text(row.get("description")) or None,
            price=price or None,
            source=SourceRef(file=file, row=line),
        )

"""Any CSV, JSON (an array, or {"products": [...]}) or JSON-lines file, read through a ColumnMapping.

Columns that feed no Product field become attributes (unless the mapping lists the attributes or
ignores columns), so nothing in the file is silently dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from copydesk.domain import Product, SourceRef
from copydesk.errors import InputError
from retrieval.readers.base import RowError, clean_text, csv_rows, format_number, strip_html
from retrieval.readers.mapping import FIELDS, ColumnMapping

Record = dict[str, Any]
_EAN_SPLIT = re.compile(r"[\s,;|]+")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items() if _text(v))
    text = str(value)
    return strip_html(text) if "<" in text and ">" in text else clean_text(text)


def _unmappable(path: Path, header: list[str], missing: list[str]) -> InputError:
    return InputError(
        f"{path}: cannot tell which column holds the product's {' and '.join(missing)}. "
        f"Columns found: {', '.join(header) or '(none)'}.",
        hint="Map them, e.g. `--map sku=\"Item ID\" --map title=Name`, or pass --mapping FILE.toml "
        "with a [columns] table (see `copydesk ingest products --help`).",
    )


def product_from_record(record: Record, fields: dict[str, str], mapping: ColumnMapping, file: str, line: int) -> Product:
    values = {name: _text(record.get(column)) for name, column in fields.items()}
    if not values.get("sku"):
        raise ValueError(f"no SKU in column {fields['sku']!r}")
    if not values.get("title"):
        raise ValueError(f"no title in column {fields['title']!r}")
    used = set(fields.values()) | set(mapping.ignore)
    columns: Iterable[str] = mapping.attributes if mapping.attributes is not None else record.keys()
    attributes: dict[str, str] = {}
    for column in columns:
        if column in used or column not in record:
            continue
        value = record[column]
        if isinstance(value, dict) and mapping.attributes is None:
            # A nested {"name": value} object (common in JSON exports) is a set of attributes.
            attributes.update({str(k): _text(v) for k, v in value.items() if _text(v)})
        elif _text(value):
            attributes[str(column)] = _text(value)
    eans = [e for e in _EAN_SPLIT.split(values.get("ean", "")) if e]
    return Product(
        sku=values["sku"],
        title=values["title"],
        brand=values.get("brand") or None,
        category=values.get("category") or None,
        model=values.get("model") or None,
        ean=eans,
        attributes=attributes,
        description=values.get("description") or None,
        price=values.get("price") or None,
        source=SourceRef(file=file, row=line),
    )


def json_records(path: Path) -> Iterator[tuple[int, Record | str]]:
    """(line or record number, record) pairs from JSON lines or a JSON document; (n, reason) for bad ones."""
    with path.open("r", encoding="utf-8-sig") as handle:
        head = handle.read(1 << 16).lstrip()
    if head.startswith("[") or (head.startswith("{") and _is_one_document(path)):
        yield from _json_array(path)
        return
    with path.open("r", encoding="utf-8-sig") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                yield line_no, f"not valid JSON ({error.msg})"
                continue
            yield (line_no, record) if isinstance(record, dict) else (line_no, "not a JSON object")


def _is_one_document(path: Path) -> bool:
    """True for one JSON object (possibly over many lines), False for JSON lines (one object per line)."""
    try:
        json.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError:
        return False
    return True


def _json_array(path: Path) -> Iterator[tuple[int, Record | str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError as error:
        raise InputError(f"{path} is not valid JSON: {error}.", hint="Give a JSON array of products or JSON lines.") from error
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        data = data.get("products", lists[0] if len(lists) == 1 else [data])
    for index, record in enumerate(data, start=1):
        yield (index, record) if isinstance(record, dict) else (index, "not a JSON object")


def read_generic(path: Path, records: Iterator[tuple[int, Record | str]], header: list[str],
                 mapping: ColumnMapping | None) -> Iterator[Product | RowError]:
    mapping = mapping or ColumnMapping()
    fields = mapping.resolve(header)
    missing = [name for name in ("sku", "title") if name not in fields]
    if missing:
        raise _unmappable(path, header, missing)
    file = str(path)

    def products() -> Iterator[Product | RowError]:
        for line, record in records:
            if isinstance(record, str):
                yield RowError(file, line, record)
                continue
            try:
                yield product_from_record(record, fields, mapping, file, line)
            except ValueError as error:
                yield RowError(file, line, str(error))

    return products()


def read_generic_csv(path: Path, mapping: ColumnMapping | None) -> Iterator[Product | RowError]:
    header, rows = csv_rows(path)
    return read_generic(path, rows, header, mapping)


def read_generic_json(path: Path, mapping: ColumnMapping | None) -> Iterator[Product | RowError]:
    records = json_records(path)
    first: list[tuple[int, Record | str]] = []
    header: list[str] = []
    # The header is the union of keys over the first records (JSON records need not share keys).
    for item in records:
        first.append(item)
        if isinstance(item[1], dict):
            header.extend(k for k in item[1] if k not in header)
        if len(first) >= 50:
            break
    if not first:
        raise InputError(f"{path} holds no JSON records.", hint="Give one product object per line or a JSON array.")

    def chained() -> Iterator[tuple[int, Record | str]]:
        yield from first
        yield from records

    return read_generic(path, chained(), header, mapping)


__all__ = ["FIELDS", "read_generic_csv", "read_generic_json", "json_records"]

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
from retrieval.readers.base import RowError, clean_text, csv_rows, format_number, json_lines, record_problem
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
    return clean_text(str(value))  # markup stays: retrieval.cleaning makes it text and records what it took out


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
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape") as handle:
        head = handle.read(1 << 16).lstrip()
    document = _one_document(path) if head.startswith(("[", "{")) else None
    if head.startswith("[") or document is not None:
        yield from _json_array(path, document)
        return
    yield from json_lines(path)


def _read_json(path: Path) -> Any:
    # Bad bytes are kept as markers (surrogateescape) and reported per record by _json_array.
    return json.loads(path.read_text(encoding="utf-8-sig", errors="surrogateescape"))


def _one_document(path: Path) -> Any:
    """The parsed file when it is one JSON value (possibly over many lines); None for JSON lines."""
    try:
        return _read_json(path)
    except (ValueError, RecursionError):
        return None


def _json_array(path: Path, data: Any) -> Iterator[tuple[int, Record | str]]:
    if data is None:
        try:
            data = _read_json(path)
        except ValueError as error:
            raise InputError(f"{path} is not valid JSON: {error}.", hint="Give a JSON array of products or JSON lines.") from error
        except RecursionError as error:
            raise InputError(f"{path}: the JSON is nested too deeply.", hint="Give one flat object per product.") from error
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        data = data.get("products", lists[0] if len(lists) == 1 else [data])
    if not isinstance(data, list):
        raise InputError(f"{path} holds a JSON {type(data).__name__}, not products.", hint="Give a JSON array of product objects.")
    for index, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            yield index, "not a JSON object"
            continue
        reason = record_problem(record)
        yield (index, reason) if reason else (index, record)


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
            except RecursionError:
                yield RowError(file, line, "a value is nested too deeply")

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
    if not header:
        line, reason = first[0]
        raise InputError(f"{path}: none of its first {len(first)} records can be read (record {line}: {reason}).",
                         hint="Give one product object per line or a JSON array of objects.")

    def chained() -> Iterator[tuple[int, Record | str]]:
        yield from first
        yield from records

    return read_generic(path, chained(), header, mapping)


__all__ = ["FIELDS", "read_generic_csv", "read_generic_json", "json_records"]

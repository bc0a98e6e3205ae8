"""Which column of a generic CSV/JSON file feeds which Product field.

Given on the command line (`--map sku=Item ID`) or in a small TOML file:

    [columns]
    sku = "Item ID"
    title = "Name"
    ean = "Barcode"
    attributes = ["Colour", "Size"]   # optional: default = every column not mapped or ignored
    ignore = ["Internal notes"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from copydesk.errors import InputError

FIELDS = ("sku", "title", "brand", "category", "model", "ean", "description", "price")

# Column names recognised without a mapping (compared case-insensitively, spaces/underscores alike).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "variant sku", "id", "product id", "item id", "item sku", "uniq id", "asin"),
    "title": ("title", "name", "product name", "product title", "item name"),
    "brand": ("brand", "vendor", "manufacturer", "supplier", "make"),
    "category": ("category", "product category", "type", "product type", "category path"),
    "model": ("model", "model number", "mpn", "model name", "part number"),
    "ean": ("ean", "gtin", "barcode", "upc", "ean13", "variant barcode"),
    "description": ("description", "product description", "body", "body (html)", "long description"),
    "price": ("price", "variant price", "retail price", "sale price"),
}


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class ColumnMapping:
    """Product field -> source column. Unset fields are looked up among SYNONYMS."""

    columns: dict[str, str] = field(default_factory=dict)
    attributes: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()

    @classmethod
    def parse(cls, pairs: list[str], toml_path: Path | None = None) -> "ColumnMapping":
        mapping = cls.from_toml(toml_path) if toml_path else cls()
        columns = dict(mapping.columns)
        attributes = mapping.attributes
        ignore = mapping.ignore
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key, value = key.strip().lower(), value.strip()
            if not sep or not value:
                raise InputError(f"--map {pair!r} is not FIELD=COLUMN.", hint=f"FIELD is one of {', '.join(FIELDS)}.")
            if key == "attributes":
                attributes = tuple(v.strip() for v in value.split(",") if v.strip())
            elif key == "ignore":
                ignore = ignore + tuple(v.strip() for v in value.split(",") if v.strip())
            elif key in FIELDS:
                columns[key] = value
            else:
                raise InputError(
                    f"--map {pair!r}: unknown field {key!r}.",
                    hint=f"Fields: {', '.join(FIELDS)}, attributes, ignore.",
                )
        return replace(mapping, columns=columns, attributes=attributes, ignore=ignore)

    @classmethod
    def from_toml(cls, path: Path) -> "ColumnMapping":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"The mapping file {path} cannot be read: {error}.") from error
        table = data.get("columns", data)
        if not isinstance(table, dict):
            raise InputError(f"{path}: expected a [columns] table of FIELD = \"column\".")
        columns: dict[str, str] = {}
        attributes: tuple[str, ...] | None = None
        ignore: tuple[str, ...] = ()
        for key, value in table.items():
            if key == "attributes":
                attributes = tuple(str(v) for v in (value if isinstance(value, list) else [value]))
            elif key == "ignore":
                ignore = tuple(str(v) for v in (value if isinstance(value, list) else [value]))
            elif key in FIELDS and isinstance(value, str):
                columns[key] = value
            else:
                raise InputError(
                    f"{path}: {key!r} is not a mapping of a Product field to a column name.",
                    hint=f"Fields: {', '.join(FIELDS)}, attributes (list), ignore (list).",
                )
        return cls(columns=columns, attributes=attributes, ignore=ignore)

    def resolve(self, header: list[str]) -> dict[str, str]:
        """Field -> actual column in `header`; explicit columns must exist, the rest come from SYNONYMS."""
        by_norm = {_norm(h): h for h in header}
        resolved: dict[str, str] = {}
        for name, column in self.columns.items():
            actual = column if column in header else by_norm.get(_norm(column))
            if actual is None:
                raise InputError(
                    f"The mapping names column {column!r} for {name}, but the file has no such column.",
                    hint=f"Columns found: {', '.join(header)}.",
                )
            resolved[name] = actual
        taken = set(resolved.values())
        for name in FIELDS:
            if name in resolved:
                continue
            for synonym in SYNONYMS[name]:
                actual = by_norm.get(synonym)
                if actual is not None and actual not in taken:
                    resolved[name] = actual
                    taken.add(actual)
                    break
        return resolved

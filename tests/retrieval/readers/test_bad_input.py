"""Files that cannot be read at all raise InputError; bad rows become RowErrors and the rest goes in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.domain import Product
from copydesk.errors import InputError
from retrieval.readers import RowError, read_products


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_products(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_products(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_products(tmp_path / "nope.csv")


def test_malformed_csv_rows_are_reported_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "sku,title,colour\n"
        "A1,Good mug,Blue\n"
        "A2,Too,many,fields\n"
        "A3\n"
        'A4,"bad "quote" here,Red\n'
        "A5,Fine plate,White\n",
        encoding="utf-8",
    )
    results = list(read_products(path))
    products = [r for r in results if isinstance(r, Product)]
    errors = {r.line: r.reason for r in results if isinstance(r, RowError)}
    assert [p.sku for p in products] == ["A1", "A5"]
    assert set(errors) == {3, 4, 5}
    assert "4 fields" in errors[3] and "1 fields" in errors[4] and "malformed CSV" in errors[5]


def test_unterminated_quote_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "open-quote.csv"
    path.write_text('sku,title\nB1,Fine\nB2,"never closed\nB3,lost\n', encoding="utf-8")
    results = list(read_products(path))
    assert isinstance(results[0], Product)
    assert isinstance(results[1], RowError) and results[1].line == 3


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("sku,title\nC1,Caf\u00e9 cr\u00e8me mug\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_products(path)


def test_ten_thousand_attributes_are_all_kept(tmp_path: Path) -> None:
    record = {"id": "BIG", "title": "Very detailed item", "supplier": "Acme"}
    record.update({f"attr_t_spec_{i}": f"value {i}" for i in range(10_000)})
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [product] = list(read_products(path))
    assert isinstance(product, Product) and len(product.attributes) == 10_000

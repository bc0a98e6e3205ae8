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


def _csv_with_bad_byte(path: Path, rows: int, bad_line: int) -> None:
    lines = [b"sku,title,colour"]
    for line in range(2, rows + 2):
        title = "Caf\xe9 mug" if line == bad_line else f"Stoneware mug number {line} with a long name"
        lines.append(f"M{line},{title},Blue".encode("latin-1"))
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_a_bad_byte_loses_only_its_own_row_and_names_its_line(tmp_path: Path) -> None:
    # The probe: a latin-1 byte on line 402 lost 161 good rows and blamed line 241.
    path = tmp_path / "catalog.csv"
    _csv_with_bad_byte(path, rows=600, bad_line=402)
    results = list(read_products(path))
    errors = [r for r in results if isinstance(r, RowError)]
    assert len(results) == 600 and len(errors) == 1
    assert errors[0].line == 402 and "byte 0xE9" in errors[0].reason and "'title'" in errors[0].reason
    assert [r.sku for r in results if isinstance(r, Product)][399:401] == ["M401", "M403"]


def test_a_bad_byte_in_a_multi_line_cell_names_the_line_it_is_on(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    head = "sku,title,description\n" + "".join(f"P{i},Plate {i},Round\n" for i in range(400))
    path.write_bytes(head.encode() + b'Q1,Bowl,"first line\nsecond \xff line"\nQ2,Cup,Tall\n')
    errors = [r for r in read_products(path) if isinstance(r, RowError)]
    assert [(e.line, "byte 0xFF" in e.reason) for e in errors] == [(403, True)]


def test_a_broken_quote_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    # The quote on line 3 closes on line 5, so csv read lines 3-5 as one valid row: A3 and A4 vanished.
    path = tmp_path / "quote.csv"
    path.write_text('sku,title,price\nA1,Mug,5\nA2,"Broken mug,6\nA3,Plate,7\nA4,Bowl",8\nA5,Cup,9\n', encoding="utf-8")
    results = list(read_products(path))
    assert [getattr(r, "sku", None) for r in results] == ["A1", None, "A3", "A4", "A5"]
    assert results[1].line == 3 and "broken quoting" in results[1].reason
    assert results[3].title == 'Bowl"'  # a quote inside an unquoted cell is a character


def test_an_unclosed_quote_at_the_end_keeps_the_rows_after_it(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text('sku,title\nB1,Fine\nB2,"never closed\nB3,kept\nB4,kept too\n', encoding="utf-8")
    results = list(read_products(path))
    assert [getattr(r, "sku", None) for r in results] == ["B1", None, "B3", "B4"]
    assert results[1].line == 3 and "runs over the next 2 line(s)" in results[1].reason


def test_a_real_multi_line_cell_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('sku,title,description\nC1,Lamp,"Bright.\nWarm, dimmable, small.\nSafe"\nC2,Desk,Oak\n',
                    encoding="utf-8")
    results = list(read_products(path))
    assert [r.sku for r in results] == ["C1", "C2"] and results[0].description.count("\n") == 2


def test_json_lines_keep_the_lines_around_a_bad_byte(tmp_path: Path) -> None:
    for name, keys in (("icecat.jsonl", '"supplier": "Acme", "id"'), ("generic.jsonl", '"sku"')):
        path = tmp_path / name
        # Past the first 8 kB: a bad byte there means the whole file is in another encoding (refused).
        rows = [f'{{{keys}: "J{i}", "title": "Item {i} of the long list"}}'.encode() for i in range(1, 300)]
        rows[199] = rows[199].replace(b"Item", b"It\xe9m")
        path.write_bytes(b"\n".join(rows) + b"\n")
        results = list(read_products(path))
        errors = [r for r in results if isinstance(r, RowError)]
        assert len(results) == 299 and [e.line for e in errors] == [200], name
        assert "byte 0xE9" in errors[0].reason


def test_a_json_array_keeps_the_records_around_a_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    padding = b'{"sku": "K0", "title": "Good", "note": "' + b"x" * 9000 + b'"}, '
    path.write_bytes(b'[' + padding + b'{"sku": "K2", "title": "B\xe4d"}, {"sku": "K3", "title": "Ok"}]')
    results = list(read_products(path))
    assert [getattr(r, "sku", None) for r in results] == ["K0", None, "K3"] and "0xE4" in results[1].reason

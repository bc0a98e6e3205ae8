from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.errors import InputError
from retrieval.readers import ColumnMapping, RowError, detect_format, read_products


def test_recognised_column_names_need_no_mapping(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text("SKU,Name,Brand,Colour,EAN\nA-1,Blue mug,Acme,Blue,4006381333931\n", encoding="utf-8")
    assert detect_format(path) == "csv"
    [product] = list(read_products(path))
    assert product.sku == "A-1" and product.title == "Blue mug" and product.brand == "Acme"
    assert product.ean == ["4006381333931"]
    assert product.attributes == {"Colour": "Blue"}  # unmapped columns are kept as attributes


def test_unknown_columns_name_what_was_found(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Ref,Label,Colour\nX1,Mug,Blue\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        list(read_products(path))
    message = str(error.value)
    assert "Ref, Label, Colour" in message and "--map" in message and "sku" in message


def test_mapping_from_command_line_and_toml(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Ref,Label,Colour,Secret\nX1,Mug,Blue,s3\n", encoding="utf-8")
    [product] = list(read_products(path, ColumnMapping.parse(["sku=Ref", "title=Label", "ignore=Secret"])))
    assert (product.sku, product.title, product.attributes) == ("X1", "Mug", {"Colour": "Blue"})
    toml = tmp_path / "map.toml"
    toml.write_text('[columns]\nsku = "Ref"\ntitle = "Label"\nattributes = ["Colour"]\n', encoding="utf-8")
    [product] = list(read_products(path, ColumnMapping.parse([], toml)))
    assert product.attributes == {"Colour": "Blue"}
    with pytest.raises(InputError, match="no such column"):
        list(read_products(path, ColumnMapping.parse(["sku=Nope", "title=Label"])))
    with pytest.raises(InputError, match="unknown field"):
        ColumnMapping.parse(["colour=Colour"])


def test_json_array_and_jsonl_with_nested_attributes(tmp_path: Path) -> None:
    records = [{"id": "J1", "title": "Lamp", "attributes": {"Power": "5 W"}}, {"id": "J2", "title": "Hub"}, 7]
    array = tmp_path / "items.json"
    array.write_text(json.dumps({"products": records}), encoding="utf-8")
    results = list(read_products(array))
    assert [p.sku for p in results if not isinstance(p, RowError)] == ["J1", "J2"]
    assert results[0].attributes == {"Power": "5 W"}
    assert isinstance(results[2], RowError) and results[2].line == 3
    lines = tmp_path / "items.jsonl"
    lines.write_text('{"sku": "L1", "name": "Cup"}\nnot json\n{"sku": "L2"}\n', encoding="utf-8")
    results = list(read_products(lines))
    assert results[0].sku == "L1"
    assert isinstance(results[1], RowError) and results[1].line == 2 and "JSON" in results[1].reason
    assert isinstance(results[2], RowError) and "title" in results[2].reason

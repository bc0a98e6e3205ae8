from __future__ import annotations

from pathlib import Path

from copydesk.domain import Product
from retrieval.readers import detect_format, read_products
from retrieval.readers.icecat import attribute_name, attribute_value
from tests.retrieval.conftest import ICECAT_ROWS


def test_field_names_become_readable_with_units() -> None:
    assert attribute_name("attr_t_contrast_ratio__typical_") == "Contrast ratio (typical)"
    assert attribute_name("attr_t_operating_temperature__t_t_") == "Operating temperature"
    assert attribute_value("attr_n_weight", 3460.0) == "3460 g"
    assert attribute_value("attr_n_display_diagonal", 17.0) == '17"'
    assert attribute_value("attr_n_processor_frequency", 2.13) == "2.13"  # unit varies in the data: none
    assert attribute_value("attr_b_touchscreen", False) == "no"
    assert attribute_value("attr_n_quantity_per_pack", 6.0) == "6"
    assert attribute_value("attr_t_operating_temperature__t_t_", "0 - 35") == "0 - 35 °C"


def test_real_icecat_rows(slices: dict[str, Path]) -> None:
    assert detect_format(slices["icecat"]) == "icecat"
    products = list(read_products(slices["icecat"]))
    assert len(products) == ICECAT_ROWS and all(isinstance(p, Product) for p in products)
    toner = products[0]
    assert toner.sku == "3920564"
    assert toner.brand == "Xerox" and toner.model == "006R90321"
    assert toner.ean == ["0095205603217"]
    assert toner.description == "Toner (6 Per Box) for CopyCentre C65 Digital Copier"
    assert toner.attributes["Black toner page yield"] == "23000"
    assert toner.price == "49.95"
    assert toner.source is not None and toner.source.row == 1
    notebook = products[1]
    assert notebook.attributes["Display diagonal"] == '17"'
    assert notebook.attributes["Touchscreen"] == "no"
    assert notebook.category == "Notebook"


def test_an_icecat_file_whose_first_product_has_no_specs_is_still_icecat(tmp_path) -> None:
    import json

    from retrieval.readers import detect_format

    rows = [
        {"id": "1", "name": "X1", "title": "Acme X1", "supplier": "Acme", "ean": []},
        {"id": "2", "name": "X2", "title": "Acme X2", "supplier": "Acme", "ean": [], "attr_t_colour": "Red"},
    ]
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert detect_format(path) == "icecat"

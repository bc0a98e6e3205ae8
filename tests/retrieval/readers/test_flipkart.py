from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.readers import RowError, detect_format, read_products
from retrieval.readers.flipkart import parse_specifications
from tests.retrieval.conftest import FLIPKART_ROWS

SPEC = ('{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton Lycra"}, '
        '{"value"=>"3 shorts"}, {"key"=>"Ideal For", "value"=>"Women\'s"}]}')


def test_ruby_hash_pairs() -> None:
    assert parse_specifications(SPEC) == {"Fabric": "Cotton Lycra", "Note": "3 shorts", "Ideal For": "Women's"}
    assert parse_specifications("") == {}
    with pytest.raises(ValueError):
        parse_specifications('{"product_specification"=>[{"key"=>')


def test_real_flipkart_rows(slices: dict[str, Path]) -> None:
    assert detect_format(slices["flipkart"]) == "flipkart"
    products = [p for p in read_products(slices["flipkart"]) if not isinstance(p, RowError)]
    assert len(products) == FLIPKART_ROWS
    shorts = products[0]
    assert shorts.sku == "SRTEH2FF9KEDEFGF"
    assert shorts.brand == "Alisha"
    assert shorts.attributes["Fabric"] == "Cotton Lycra"
    assert shorts.category == "Clothing > Women's Clothing > Lingerie, Sleep & Swimwear > Shorts > Alisha Shorts"

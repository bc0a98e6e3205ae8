from __future__ import annotations

from copydesk.paths import EXAMPLES_DIR
from retrieval.readers import detect_format, read_products

DEMO = EXAMPLES_DIR / "catalog" / "shopify-demo.csv"


def test_variants_inherit_product_columns_and_html_is_stripped() -> None:
    assert detect_format(DEMO) == "shopify"
    products = {p.sku: p for p in read_products(DEMO)}
    assert len(products) == 7  # 7 variant rows; the image-only row adds nothing
    sand = products["NW-LAMP-SND"]
    assert sand.title == "Northwind Arc Desk Lamp - Sand"
    assert sand.brand == "Northwind"
    assert sand.attributes["Colour"] == "Sand"  # option name inherited from the first row
    assert sand.ean == ["5060000000024"]
    assert sand.description and "<" not in sand.description and "dimmable" in sand.description
    hub = products["NW-HUB-7"]
    assert "Title" not in hub.attributes  # Shopify's "Default Title" option is no attribute
    assert hub.attributes["Weight"] == "120 g"

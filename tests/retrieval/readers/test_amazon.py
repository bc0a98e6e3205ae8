from __future__ import annotations

from pathlib import Path

from retrieval.readers import detect_format, read_products
from retrieval.readers.amazon import parse_product_information
from tests.retrieval.conftest import AMAZON_ROWS

BLOB = (
    "Technical Details Item Weight1.2 Kg Product Dimensions40 x 29.8 x 8 cm Manufacturer recommended age:8 years "
    "and up Item model numberR1179 Main Language(s)English Assembly RequiredYes Scale1:72 Batteries Required?No "
    "\u00a0\u00a0 Additional Information ASINB00OG9OXF4 Best Sellers Rank 61,275 in Toys & Games Shipping Weight1.3 Kg"
)


def test_product_information_blob_is_split_on_its_labels() -> None:
    info = parse_product_information(BLOB)
    assert info["Weight"] == "1.2 Kg"
    assert info["Dimensions"] == "40 x 29.8 x 8 cm"
    assert info["Recommended age"] == "8 years and up"
    assert info["Model number"] == "R1179"
    assert info["Scale"] == "1:72"
    assert info["Batteries required"] == "No"
    assert info["ASIN"] == "B00OG9OXF4"
    assert not any("Rank" in k or "Shipping" in k for k in info)  # sales data is not a product fact


def test_real_amazon_rows(slices: dict[str, Path]) -> None:
    assert detect_format(slices["amazon"]) == "amazon"
    products = list(read_products(slices["amazon"]))
    assert len(products) == AMAZON_ROWS
    hornby = next(p for p in products if p.model == "R1179")
    assert hornby.brand == "Hornby"
    assert hornby.attributes["Weight"] == "1.2 Kg"
    # Amazon's "Product Description" heading is cleaned away at read time, and recorded (retrieval.cleaning).
    assert hornby.description and hornby.description.startswith("Inject a bit of Hornby magic")
    assert ("label", "Product Description") in {(r.kind, r.text) for r in hornby.removed}
    assert hornby.category and hornby.category.startswith("Hobbies > Model Trains")
    assert hornby.sku == "87bbb472ef9d90dcef140a551665c929"
    # source.row is the physical line the record starts on (reviews span several lines).
    assert hornby.source is not None and hornby.source.row is not None
    start = slices["amazon"].read_text(encoding="utf-8").split("\n")[hornby.source.row - 1]
    assert start.startswith(hornby.sku)


def test_colour_label_does_not_split_the_sales_rank() -> None:
    from retrieval.readers.amazon import parse_product_information

    info = parse_product_information(
        "Technical Details Colour Red Best Sellers Rank 176 in Toys #5 in Colouring Pens & Markers Item Weight 200 g"
    )
    assert info == {"Colour": "Red", "Weight": "200 g"}

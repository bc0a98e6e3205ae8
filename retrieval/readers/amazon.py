"""Amazon UK toys CSV (PromptCloud): the `product_information` blob is parsed into attributes.

The blob is Amazon's "Technical Details" table flattened without separators
("Item Weight1.2 Kg Product Dimensions40 x 29.8 x 8 cm Manufacturer recommended age:8 years and up"),
so it is split on the table's known labels (collected from the data; an unknown label stays part of
the previous value rather than being lost).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from copydesk.domain import Product, SourceRef
from retrieval.readers.base import RowError, clean_text, csv_rows

SIGNATURE_COLUMNS = {"product_id", "product_name", "manufacturer", "product_information"}

# Amazon's label -> the attribute name copydesk shows ("" = not a product fact: skipped, e.g. sales rank).
LABELS: dict[str, str] = {
    "Item Weight": "Weight",
    "Product Dimensions": "Dimensions",
    "Batteries:": "Batteries",
    "Batteries required": "Batteries required",
    "Manufacturer recommended age:": "Recommended age",
    "Our recommended age:": "Recommended age (Amazon)",
    "Item model number": "Model number",
    "Model Number": "Model number",
    "Manufacturer reference": "Manufacturer reference",
    "Manufacturer Part Number": "Manufacturer part number",
    "Main Language(s)": "Languages",
    "Language": "Language",
    "Assembly Required": "Assembly required",
    "Scale": "Scale",
    "Engine Type": "Engine type",
    "Track Width/Gauge": "Track gauge",
    "Batteries Required?": "Batteries required",
    "Batteries Included?": "Batteries included",
    "Remote Control Included?": "Remote control included",
    "Remote Control Type": "Remote control type",
    "Radio Control Suitability": "Radio control suitability",
    "Material Type(s)": "Material",
    "Material Type": "Material",
    "Material Composition": "Material composition",
    "Material Care Instructions": "Care instructions",
    "Educational Objective(s)": "Educational objective",
    "Number of Puzzle Pieces": "Number of puzzle pieces",
    "Number of Game Players": "Number of players",
    "Number of pieces": "Number of pieces",
    "Manufacturer's Suggested Maximum Weight": "Maximum user weight",
    "Target gender": "Target gender",
    "Allergen Information": "Allergen information",
    "Colour": "Colour",
    "Color": "Colour",
    "Size": "Size",
    "Brand": "Brand",
    "ASIN": "ASIN",
    "Shipping Weight": "",
    "Best Sellers Rank": "",
    "Date First Available": "",
    "Delivery Destinations:": "",
    "Customer Reviews": "",
    "Feedback": "",
    "WEEE Directive": "",
}
_LABEL_RE = re.compile(
    r"(?:(?<=\s)|^)(" + "|".join(re.escape(label) for label in sorted(LABELS, key=len, reverse=True)) + r")"
    # Labels run into their values with no space ("upItem model numberR1179"), so no word boundary can be
    # asked for; but "Colour" must not split the sales rank's "#5 in Colouring Pens & Markers".
    r"(?!ing)"
)
_SECTION_HEADS = ("Technical Details", "Additional Information", "Expand General Information", "General Information")


def parse_product_information(blob: str) -> dict[str, str]:
    """Readable attribute name -> value, in the blob's order; the first value of a repeated label wins."""
    text = blob.replace("\u00a0", " ")
    for head in _SECTION_HEADS:
        text = text.replace(head, " ")
    text = re.sub(r"\s+", " ", text).strip()
    parts = _LABEL_RE.split(text)
    found: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2]):
        name = LABELS[label]
        value = value.strip(" :")
        if name and value and name not in found:
            found[name] = value
    return found


def read_amazon(path: Path) -> Iterator[Product | RowError]:
    file = str(path)
    _, rows = csv_rows(path)
    for line, row in rows:
        if isinstance(row, str):
            yield RowError(file, line, row)
            continue
        sku = (row.get("product_id") or "").strip()
        title = clean_text(row.get("product_name"))
        if not sku or not title:
            yield RowError(file, line, "no product_id" if not sku else "no product_name")
            continue
        info = parse_product_information(row.get("product_information") or "")
        model = info.pop("Model number", None) or info.get("Manufacturer reference")
        brand = clean_text(row.get("manufacturer")) or info.get("Brand")
        info.pop("Brand", None)
        path_parts = [clean_text(row.get(c)) for c in ("category", "subcategory_1", "subcategory_2", "subcategory_3")]
        category = " > ".join(p for p in path_parts if p) or None
        yield Product(
            sku=sku,
            title=title,
            brand=brand or None,
            category=category,
            model=model,
            attributes=info,
            description=clean_text(row.get("product_description")) or None,
            price=clean_text(row.get("price")) or None,
            source=SourceRef(file=file, row=line),
        )

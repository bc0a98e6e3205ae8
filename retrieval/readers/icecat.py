"""Icecat open-catalogue JSONL: one product per line, specs in `attr_t_*` / `attr_n_*` / `attr_b_*` fields.

Field names encode brackets as double underscores (`contrast_ratio__typical_` = "Contrast ratio (typical)").
Units are added only where the field name implies one unambiguously in this data (checked against the
values: `weight` is in grams, `width` in millimetres, `display_diagonal` in inches...). Fields whose unit
varies between products (processor frequency: GHz or MHz; memory: GB or MB) are shown bare.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copydesk.domain import Product, SourceRef
from retrieval.readers.base import RowError, clean_text, format_number, json_lines

SIGNATURE_KEYS = {"id", "title", "supplier"}

# (pattern over the field name without its attr_x_ prefix, unit); first match wins.
_UNITS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), unit)
    for p, unit in [
        (r"^(package_)?weight__imperial_$", "lb"),
        (r"^(package_)?(width|height|depth|length)__imperial_$", "in"),
        (r"^(package_)?weight$", "g"),
        (r"^(package_)?(width|height|depth|length|diameter|thickness)$", "mm"),
        (r"^(width|height|depth)__with(out)?_stand_$", "mm"),
        (r"^(package_)?dimensions__wxdxh_$", "mm"),
        (r"^display_diagonal$", '"'),
        (r"^display_diagonal__metric_$", "cm"),
        (r"^cable_length$", "m"),
        (r"^processor_lithography$", "nm"),
        (r"^thermal_design_power__tdp_$", "W"),
        (r"^power_consumption__[a-z]+_$", "W"),
        (r"^power$", "W"),
        (r"^display_brightness__typical_$", "cd/m²"),
        (r"^response_time$", "ms"),
        (r"^viewing_angle__(horizontal|vertical)$", "°"),
        (r"^recommended_age__min_$", "years"),
        (r"_temperature__t_t_$", "°C"),
        (r"_humidity__h_h_$", "%"),
        (r"^battery_capacity$", "mAh"),
    ]
]
_BRACKET = re.compile(r"__(.+?)_(?=_|$)")
_DROPPED_QUALIFIERS = {"t t", "h h"}
# Field names are lower case; these words are written the way the catalog's titles write them.
_ACRONYMS = {
    w.lower(): w
    for w in """AC DC CPU GPU USB HDD SSD LAN WLAN TDP LCD LED OLED HDMI VGA DVI OSD RAM FSB ECC DPI EAN UPC NFC
    GPS PoE RoHS MTBF TV PC IP IPv4 IPv6 HS EU UK OS ID CD DVD SIM 2G 3G 4G 5G LTE OEM VESA 3D UPS SNR THD
    ADF PPM RJ SATA PCI NVMe DDR DDR2 DDR3 DDR4 DDR5 SDRAM HD UHD NBD QoS DLNA BLE HMS EPO AVR XMP PAE WiDi
    UNSPSC WEEE CE ISO A4 A3 A5 B4 B5 DIMM SO-DIMM""".split()
}
_PHRASES = {"wi fi": "Wi-Fi", "i o": "I/O", "rj 45": "RJ-45"}  # Icecat's "(T-T)" / "(H-H)" markers carry the unit, not meaning


@lru_cache(maxsize=16384)  # ~5,000 distinct field names repeat over 17k products
def attribute_name(field: str) -> str:
    """`attr_t_contrast_ratio__typical_` -> "Contrast ratio (typical)"."""
    body = re.sub(r"(?<=\d)_(?=\d)", ".", field.split("_", 2)[2])  # usb_2_0 -> usb 2.0

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1).replace("_", " ").strip()
        return "" if inner in _DROPPED_QUALIFIERS else f" ({inner})"

    words = _BRACKET.sub(bracket, body).replace("_", " ")
    words = re.sub(r"\s+", " ", words).strip()
    for phrase, written in _PHRASES.items():
        words = re.sub(rf"\b{phrase}\b", written, words)
    words = " ".join(_ACRONYMS.get(w, w) for w in words.split(" "))
    words = re.sub(r"\((\w+)\)", lambda m: f"({_ACRONYMS.get(m.group(1), m.group(1))})", words)
    return words[:1].upper() + words[1:]


@lru_cache(maxsize=16384)
def unit_for(field: str) -> str | None:
    body = field.split("_", 2)[2]
    for pattern, unit in _UNITS:
        if pattern.search(body):
            return unit
    return None


def attribute_value(field: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if field.startswith("attr_b_"):
        return "yes" if value in (True, "true", "True", 1) else "no"
    text = format_number(value) if isinstance(value, (int, float)) else clean_text(str(value).replace("\\n", "\n"))
    if not text:
        return None
    unit = unit_for(field)
    if unit is None:
        return text
    return f"{text}{unit}" if unit == '"' else f"{text} {unit}"


def product_from_record(record: dict[str, Any], file: str, line: int) -> Product:
    sku = str(record.get("id") or "").strip()
    title = clean_text(record.get("title"))
    if not sku:
        raise ValueError("no `id`")
    if not title:
        raise ValueError("no `title`")
    attributes: dict[str, str] = {}
    for key, value in record.items():
        if key.startswith(("attr_t_", "attr_n_", "attr_b_")):
            shown = attribute_value(key, value)
            if shown is not None:
                attributes[attribute_name(key)] = shown
    category = attributes.get("Product type")
    price = record.get("price")
    eans = record.get("ean") or []
    if isinstance(eans, str):
        eans = [eans]
    return Product(
        sku=sku,
        title=title,
        brand=clean_text(record.get("supplier")) or None,
        category=category,
        model=clean_text(str(record.get("name") or "")) or None,
        ean=[str(e).strip() for e in eans if str(e).strip()],
        attributes=attributes,
        description=clean_text(record.get("short_description")) or None,
        # Icecat prices are in cents, currency unstated in the source.
        price=f"{price / 100:.2f}" if isinstance(price, (int, float)) and price > 0 else None,
        source=SourceRef(file=file, row=line),
    )


def read_icecat(path: Path) -> Iterator[Product | RowError]:
    file = str(path)
    for line_no, record in json_lines(path):
        if isinstance(record, str):
            yield RowError(file, line_no, f"not an Icecat product: {record}")
            continue
        try:
            yield product_from_record(record, file, line_no)
        except (ValueError, TypeError) as error:
            yield RowError(file, line_no, f"not an Icecat product: {error}")

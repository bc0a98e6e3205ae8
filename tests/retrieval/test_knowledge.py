"""The knowledge graph: every numeric Icecat attribute has a unit or an explicit unitless marker, and each
family is recognised across the readers' attribute names."""

from __future__ import annotations

import json

import pytest

from retrieval.knowledge import UNITLESS, lookup, mined_numeric, with_unit
from retrieval.readers.icecat import attribute_name


def test_every_numeric_icecat_attribute_has_a_unit_or_the_unitless_marker(shared_data) -> None:
    names: set[str] = set()
    with (shared_data / "products" / "icecat-electronics.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            names |= {attribute_name(k) for k, v in json.loads(line).items()
                      if k.startswith("attr_n_") and isinstance(v, (int, float))}
    assert len(names) > 1000
    table = mined_numeric()
    missing = sorted(names - table.keys())
    assert not missing, f"not in icecat_numeric.yaml (rerun scripts/mine_knowledge.py): {missing[:10]}"
    for name in names:
        entry = table[name]
        assert entry.get("unit") or entry.get("units") or entry.get("unitless") in UNITLESS, name


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("Processor frequency", "2.13", "2.13 GHz"),
    ("Processor frequency", "1066", "1066 MHz"),
    ("Internal memory", "4", "4 GB"),
    ("Internal memory", "4096", "4096 MB"),
    ("Black toner page yield", "23000", "23000 pages"),
    ("Thermal design power (TDP)", "25", "25 W"),
    ("Size", "3.5", "3.5 in"),  # the titles print inches beside it, though the rules said mm
    ("USB 2.0 ports quantity", "4", "4"),  # a count: said with its noun
    ("Tjunction", "90", None),  # no unit known: never said bare
    ("Total storage capacity", "1", None),  # 1 GB or 1 TB: ambiguous, so unsaid
    ("Weight", "1.2 Kg", "1.2 Kg"),  # a value that carries its unit is left alone
])
def test_bare_numbers_get_their_unit_or_stay_unsaid(name: str, value: str, shown: str | None) -> None:
    assert with_unit(name, value) == shown


@pytest.mark.parametrize(("name", "family"), [
    ("Product type", "identity"), ("Type", "identity"), ("Ideal For", "identity"),
    ("Dimensions", "size"), ("Cable length", "size"), ("Display diagonal", "size"),
    ("Weight", "weight"), ("Package weight", "logistics"),
    ("Colour", "colour"), ("Product colour", "colour"), ("Color", "colour"),
    ("Material", "material"), ("Fabric", "material"), ("Material composition", "material"),
    ("Batteries required", "power"), ("Batteries", "power"), ("Power consumption (typical)", "power"),
    ("USB 2.0 ports quantity", "connectivity"), ("Bluetooth", "connectivity"), ("Connector 1", "connectivity"),
    ("Compatibility", "compatibility"), ("Brand compatibility", "compatibility"),
    ("Compatible operating systems", "compatibility"),
    ("Black toner page yield", "capacity"), ("Internal memory", "capacity"),
    ("Recommended age", "age_safety"), ("Certification", "age_safety"),
    ("Number of puzzle pieces", "contents"), ("Quantity per pack", "contents"),
    ("Number of Contents in Sales Package", "contents"),
    ("Processor frequency", "performance"), ("Display resolution", "performance"), ("Print speed (black, normal quality, A4/US Letter)", "performance"),
    ("Care instructions", "care"), ("Assembly required", "care"), ("Languages", "care"),
    ("ASIN", "logistics"), ("Quantity per pallet", "logistics"), ("Country of origin", "logistics"),
])
def test_families_across_readers(name: str, family: str) -> None:
    assert lookup(name).family == family


def test_readable_names_drop_qualifiers_and_keep_acronyms() -> None:
    assert lookup("Black toner page yield").readable == "page yield"
    assert lookup("Processor frequency").readable == "processor speed"
    assert lookup("Memory bandwidth supported by processor (max)").readable == "memory bandwidth supported by processor"
    assert lookup("USB 2.0 ports quantity").noun == "ports"

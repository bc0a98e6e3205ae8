"""Field sense (chains/drafting/field_sense.py): a value that does not fit its label or measure word. Sentences are
written for these tests, none is from the frozen labelled set (tests/data/fluency/sentences.jsonl)."""

from __future__ import annotations

import pytest

from chains.drafting import field_sense


@pytest.mark.parametrize("text", [
    "Maximum price: 350 g",            # money given as a weight
    "Net weight: 12 cm",               # a weight given as a length
    "Screen size: 4 GHz",              # a size given as a frequency
    "Brand: 20 mm",                    # a name field given only a measure
    "Interface standard: 3 m, black",
    "Processor frequency: 8 GB",       # the knowledge graph's unit for the attribute is GHz
])
def test_label_misfits(text: str) -> None:
    assert field_sense.features(text)["label_misfit"] == 1
    assert field_sense.problem(text) == field_sense.PROBLEMS["label_misfit"]


@pytest.mark.parametrize("text", [
    "Maximum price: £24.99",
    "Price: Rs. 1,499",
    "Net weight: 350 g",
    "Recommended age: 6 years and up",
    "Product: Belkin USB-C to HDMI Adapter, Black, 2 m",   # a name that holds a measure
    "Pack of: 4 x 1.5 V AA batteries",                     # a count lists what it counts
    "Package contents: 1 x 25 W charger",                   # "package" is not an age
    "Storage temperature: -20 - 60 °C",
    "Display diagonal: 27\"",
])
def test_fitting_fields_pass(text: str) -> None:
    assert field_sense.features(text)["label_misfit"] == 0


def test_label_dimension_reads_whole_words() -> None:
    assert field_sense.label_dimension("Minimum weight") == "mass"
    assert field_sense.label_dimension("Recommended age") == "time"
    assert field_sense.label_dimension("Package type") is None      # "age" inside "package"
    assert field_sense.label_dimension("Damaged parts") is None
    assert field_sense.label_dimension("Suggested retail price") == field_sense.MONEY


@pytest.mark.parametrize("text, misfits", [
    ("The drawer has a depth of 40 kg.", 1),
    ("A cable that measures 3 GB.", 1),
    ("A 1024x768 memory for every photo.", 1),
    ("The frame has a depth of 4 cm and a weight of 300 g.", 0),
    ("Shows photos at 1024x768 resolution.", 0),
])
def test_measure_words(text: str, misfits: int) -> None:
    assert field_sense.features(text)["measure_misfit"] == misfits


@pytest.mark.parametrize("text, misfits", [
    ("The tray is 12 inches (38 cm) wide.", 1),     # 12 in is 30.5 cm
    ("It weighs 2 kg (6 lb).", 1),                 # 2 kg is 4.4 lb
    ("The tray is 12 inches (30.5 cm) wide.", 0),
    ("A 5 m (16 ft) lead.", 0),                    # 16.4 ft cut to 16
    ("Holds 500 ml (0.5 l).", 0),
    ("Paper of 210 x 297 mm (8.3 x 11.7 in).", 0),  # groups are not paired number by number
])
def test_conversions(text: str, misfits: int) -> None:
    assert field_sense.features(text)["conversion_misfit"] == misfits


@pytest.mark.parametrize("text", [
    "Sony Bravia OLED panel with HDR for 449.",
    "Asus ZenBook Core i7 under 1920.",
    "A bright LED desk lamp with USB port and dimmer 65.",
])
def test_bare_numbers(text: str) -> None:
    assert field_sense.features(text)["bare_number"] >= 1


@pytest.mark.parametrize("text", [
    "A colouring set with crayons, in a pack of 24.",
    "Works with the iPhone 15.",
    "Launched in 1998.",
    "Suitable for children over 10.",
    "Only £12.50 for a set of markers under 30 grams.",
    "Compatible with Canon PIXMA MG-3650.",
    "Price: Rs. 799",
    "Scan the barcode 5012345678900.",
    "The 64-piece puzzle set has pieces for ages 5 to 12.",
])
def test_meant_numbers_pass(text: str) -> None:  # counts, a name's number, years, ages, money, codes
    assert field_sense.features(text)["bare_number"] == 0


def test_repeated_labels() -> None:
    assert field_sense.features("Colour: red Size: M Colour: red")["repeated_label"] == 1
    assert field_sense.features("Colour: red; Size: M; Material: cotton")["repeated_label"] == 0


@pytest.mark.parametrize("text", [
    "A soft cotton throw in deep green, 130 x 170 cm, machine washable at 30 °C.",
    "This 2-in-1 charger tops up a phone and earbuds at once, with 20 W fast charging.",
    "Material: Oak; Colour: Natural; Width: 80 cm",
    "Kids aged 3 to 6 build a farm of 48 pieces in under 10 minutes.",
])
def test_fluent_copy_passes(text: str) -> None:
    assert field_sense.problem(text) is None

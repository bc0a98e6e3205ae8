"""Quantities with units: parsing marketing spellings and unit-aware matching with display rounding."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chains.grounding.units import find_quantities, same_quantity


def one(text: str):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "dimension"),
    [
        ("750 ml", 750, "volume"),
        ("0.75l", 0.75, "volume"),
        ('27" screen', 27, "length"),
        ("a 27-inch screen", 27, "length"),
        ("605g", 605, "mass"),
        ("2.8GHz", 2.8, "frequency"),
        ("23,000 pages", 23000, None),
        ("30min", 30, "time"),
        ("for 3-year-olds", 3, "time"),
        ("8 GB", 8, "data"),
        ("1250 Mbit/s", 1250, "datarate"),
        ("12.5 in", 12.5, "length"),
    ],
)
def test_parses_number_and_unit(text: str, value: float, dimension: str | None) -> None:
    q = one(text)
    assert q.value == value
    assert (q.unit.dimension if q.unit else None) == dimension


def test_dimensions_share_their_unit() -> None:
    found = find_quantities("Dimensions: 40 x 29.8 x 8 cm")
    assert [(q.value, q.unit.symbol) for q in found] == [(40, "cm"), (29.8, "cm"), (8, "cm")]


def test_codes_and_phrases_are_not_quantities() -> None:
    assert [q.value for q in find_quantities("R1179 dv7-1211ea")] == []
    # "3 in 1" is not three inches.
    assert all(q.unit is None for q in find_quantities("a 3 in 1 set"))


@pytest.mark.parametrize(
    ("claim", "fact"),
    [("0.75 l", "750 ml"), ("68.6 cm", '27"'), ("69 cm", '27"'), ("0.605 kg", "605 g"), ("1.2 kg", "1200 g"),
     ("2.36 inch", "6 cm"), ("17.0 inch", '17"'), ("1 TB", "1000 GB"), ("1024 MB", "1 GB"), ("2.8 GHz", "2800 MHz")],
)
def test_equal_quantities_match(claim: str, fact: str) -> None:
    assert same_quantity(one(claim), one(fact))


@pytest.mark.parametrize(
    ("claim", "fact"),
    [("2 GHz", "2.8 GHz"), ("2 GHz", "2.13 GHz"), ("70 cm", '27"'), ("1 kg", "605 g"), ("4 GB", "8 GB"),
     ("6 W", "6 V"), ("700 ml", "0.75 l"), ("27 cm", '27"')],
)
def test_different_or_rounded_quantities_do_not_match(claim: str, fact: str) -> None:
    assert not same_quantity(one(claim), one(fact))


def test_a_bare_number_matches_the_same_value_with_a_unit() -> None:
    assert same_quantity(one("5490"), one("5490 g"))
    standalone = replace(one("3.66"), standalone=True)  # a fact whose whole value is "3.66"
    assert same_quantity(one("3.66 GHz"), standalone)
    assert not same_quantity(one("3.6 GHz"), standalone)
    # A bare number inside other words ("3 AA batteries") does not state a quantity with a unit.
    assert not same_quantity(one("3 years"), one("3"))


def test_ages_without_a_unit_are_years() -> None:
    assert one("for ages 3+").unit.symbol == "year"
    assert one("aged 5 and up").unit.symbol == "year"
    assert same_quantity(one("ages 3+"), one("36 months"))
    assert not same_quantity(one("ages 3+"), one("3"))  # "3 AA batteries" is not an age

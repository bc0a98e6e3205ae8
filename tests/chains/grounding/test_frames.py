"""Frames that change what words claim (chains/grounding/frames.py): a renamed product (a word put in place of one
of the name's words), a field line that gives one side of a pair ("Power source: AC" for "AC/Battery") and a
limit said as a plain measure ("Recommended child weight: 9 kg" for a maximum weight of 9 kg).
Products here are made up for the tests, none of them from the hand-labelled claim set."""

from __future__ import annotations

import pytest

from chains.grounding import GroundingVerifier
from copydesk.domain import Product
from retrieval.facts import facts_for

TOOTHBRUSH = Product(sku="tb1", title="Philips Sonicare ProtectiveClean 4300 Electric Toothbrush", brand="Philips",
                     attributes={"Cleaning modes": "Clean, White, Expert", "Colour": "White",
                                 "Pressure sensor": "Yes", "Battery life": "14 days"})
FAN = Product(sku="fan1", title="Honeywell QuietSet Desk Fan", brand="Honeywell",
              attributes={"Power source": "AC/Battery", "Suitable for": "Indoor/Outdoor", "Colour": "Black,Silver",
                          "Speeds": "3", "Component for": "PC/server"})
BOUNCER = Product(sku="b1", title="Fisher-Price Rainforest Baby Bouncer", brand="Fisher-Price",
                  attributes={"Maximum weight": "9 kg", "Weight": "2.5 kg", "Battery life (max)": "20 h",
                              "Seat width": "35 cm", "Toy box capacity": "2 l",
                              "Recommended age (min)": "1 month", "Minimum seat height": "30 cm",
                              "Maximum seat height": "45 cm"})


def rejected(item: Product, text: str) -> list[tuple[str, str]]:
    checked = GroundingVerifier(item, facts_for(item, include_description=False)).check_text(text, "description")
    return [(c.kind, c.text) for c in checked.dropped]


@pytest.mark.parametrize("item, sentence, word", [
    # "Expert" and "White" are words of the facts (cleaning modes), yet in the name's place they rename it
    (TOOTHBRUSH, "Philips Sonicare Expert 4300 Electric Toothbrush", "Expert"),
    (TOOTHBRUSH, "The Philips Sonicare White 4300 Electric Toothbrush", "White"),
    (FAN, "Honeywell Silent Desk Fan", "Silent"),
])
def test_a_word_in_the_place_of_a_name_word_renames_the_product(item: Product, sentence: str, word: str) -> None:
    assert ("brand", word) in rejected(item, sentence), rejected(item, sentence)


@pytest.mark.parametrize("item, sentence", [
    (TOOTHBRUSH, "Philips Sonicare ProtectiveClean 4300 Electric Toothbrush"),
    (TOOTHBRUSH, "Philips Sonicare 4300 Electric Toothbrush"),  # a word left out
    (TOOTHBRUSH, "Philips Sonicare ProtectiveClean 4300 Electric Toothbrush with a Pressure sensor"),
    (FAN, "Honeywell QuietSet Stylish Desk Fan"),  # a word added, nothing replaced
    (FAN, "Honeywell QuietSet black desk fan"),
    (FAN, "A Honeywell fan for your desk"),  # lowercase words describe, they do not name
])
def test_the_name_quoted_shortened_or_added_to_is_no_renaming(item: Product, sentence: str) -> None:
    assert not [k for k, _ in rejected(item, sentence) if k == "brand"], rejected(item, sentence)


@pytest.mark.parametrize("sentence", ["Power source: AC", "Power source: Battery", "Suitable for: Indoor"])
def test_a_field_line_giving_one_side_of_a_pair_misstates_it(sentence: str) -> None:
    assert [k for k, _ in rejected(FAN, sentence)] == ["field"], rejected(FAN, sentence)


@pytest.mark.parametrize("sentence", ["Power source: AC/Battery", "Power source: battery or AC",
                                      "Suitable for: Indoor/Outdoor", "Colour: Black", "Speeds: 3",
                                      "Component for: PC/server"])  # "pc" is also a unit (pieces)
def test_a_field_line_with_both_sides_or_a_listed_value_passes(sentence: str) -> None:
    assert rejected(FAN, sentence) == [], rejected(FAN, sentence)


@pytest.mark.parametrize("sentence", ["Recommended child weight: 9 kg", "Suitable for babies of 9 kg.",
                                      "A seat 30 cm high."])
def test_a_limit_said_as_a_plain_measure_is_rejected(sentence: str) -> None:
    assert "number" in {k for k, _ in rejected(BOUNCER, sentence)}, rejected(BOUNCER, sentence)


@pytest.mark.parametrize("sentence", ["Holds babies up to 9 kg.", "Maximum weight: 9 kg", "Max. child weight 9 kg",
                                      "Up to 20 hours of battery life.", "Weighs just 2.5 kg.",
                                      "A 2 l toy box.",  # a capacity is a size, not a limit
                                      "For babies of 1 month and up.", "From 1 month.",
                                      "Battery life: 20 hours",  # a duration: how copy gives a maximum run time
                                      "A seat 30-45 cm high.",  # a range gives its limits
                                      "A 35 cm wide seat that takes babies of 9 kg or less."])
def test_a_limit_said_as_a_limit_and_plain_measures_pass(sentence: str) -> None:
    assert rejected(BOUNCER, sentence) == [], rejected(BOUNCER, sentence)

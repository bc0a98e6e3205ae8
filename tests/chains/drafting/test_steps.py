"""The small pure pieces of the generation step: cleaning, acceptance, number lists."""

from __future__ import annotations

import pytest

from chains.drafting.steps import Candidate, StepOutcome, accept, allowed_numbers, clean, repetitive, without_unfinished_sentence
from copydesk.domain import Fact


def _fact(i: int, name: str, value: str) -> Fact:
    return Fact(id=f"F{i}", name=name, value=value, source_id="product:x")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('Title: "Xerox Black Toner"\nmore text', "Xerox Black Toner"),
        ("- Bullet: 6 per pack", "6 per pack"),
        ("2. Product: Black toner", "Black toner"),
        ("   ", ""),
    ],
)
def test_clean_strips_the_wrappers_small_models_add(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_repetition_and_unfinished_text_are_caught() -> None:
    assert repetitive("Chuggington Lc 159g, 10 yrs, 36 months, 159g, 159g,")
    assert repetitive("Integral 2GB SD Card: Integral 2GB SD Card, 2GB SD Card")
    assert not repetitive("Black toner for laser printers, 23000 pages per cartridge.")
    assert without_unfinished_sentence("It is black. It prints 23") == "It is black."
    assert without_unfinished_sentence("It is black.") == "It is black."


def test_accept_keeps_finished_grounded_candidates_that_cite_the_steps_facts() -> None:
    good = Candidate("Black toner with a 23000 page yield.", ["F9"], -1.0)
    outcome = StepOutcome("bullet 1", [
        good,
        Candidate("Xerox", ["F2"], -0.5),  # too short
        Candidate("Xerox toner for the CopyCentre C65 copier.", ["F2", "F7"], -0.4),  # not this bullet's facts
        Candidate("Black toner with a page yield of 23000 and", ["F9"], -0.3, finished=False),
    ], generated=4, dropped=[])
    assert accept(outcome, min_words=4, cites={"F9"}).passed == [good]


def test_accept_rejects_a_bullet_that_only_repeats_the_product_name() -> None:
    # Seen in the eval: the name truncated, with a number the facts state elsewhere ("1" from "Scale: 1:76").
    name = "Thomas & Friends Trackmaster Diesel 10 Motorised Engine"
    echo = Candidate("Thomas & Friends Trackmaster Diesel 1.", ["F9"], -0.2)
    good = Candidate("A motorised Diesel 10 engine for ages 3 years and up.", ["F9"], -0.9)
    outcome = StepOutcome("bullet 1", [echo, good], generated=2, dropped=[])
    assert accept(outcome, min_words=4, cites={"F9"}, beyond=name).passed == [good]
    assert accept(outcome, min_words=4, cites={"F9"}).passed == [echo, good]
    measurement = Candidate("15.2 x 15.2 x 4 centimeters", ["F9"], -0.1)  # what does it measure?
    labelled = Candidate("Dimensions: 15.2 x 15.2 x 4 cm", ["F9"], -0.3)
    outcome = StepOutcome("bullet 2", [measurement, labelled], generated=2, dropped=[])
    assert accept(outcome, min_words=4, cites={"F9"}, beyond=name).passed == [labelled]
    asin = Candidate("B00SDHUHBE: a motorised engine for ages 3 years and up", ["F9"], -0.1)  # an ASIN as a label
    outcome = StepOutcome("bullet 3", [asin, labelled], generated=2, dropped=[])
    assert accept(outcome, min_words=4, cites={"F9"}, beyond=name).passed == [labelled]


def test_accept_rejects_a_title_that_echoes_a_fact_line() -> None:
    facts = [_fact(1, "Brand", "DYMO"), _fact(2, "Model", "LabelWriter 450 DUO")]
    echo = Candidate("Brand: DYMO LabelWriter", ["F1"], -0.1)
    good = Candidate("DYMO LabelWriter 450 DUO label printer", ["F1", "F2"], -0.5)
    outcome = StepOutcome("title", [echo, good], generated=2, dropped=[])
    assert accept(outcome, min_words=3, labels=facts).passed == [good]


def test_allowed_numbers_come_from_the_facts_shown() -> None:
    facts = [_fact(1, "Screen size", '27"'), _fact(2, "Resolution", "3840 x 2160"), _fact(3, "Weight", "2.8 kg")]
    assert allowed_numbers(facts) == {"27", "3840", "2160", "2.8"}

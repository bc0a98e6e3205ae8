"""The copy-quality measures shared by `copydesk eval` and bench.realization, on cases from real drafts."""

from __future__ import annotations

import pytest

from chains.evaluation import (
    bare_label_line, bare_numbers, bullets_without_fact, distinct_2_within_category, fact_free_sentences, judge_copy,
    key_fact_covered, spec_sentence, summarise_copy,
)
from chains.grounding import GroundingVerifier
from copydesk.domain import Draft, Fact, Product
from retrieval.facts import facts_for

TOY = Product(sku="t1", title="Hornby Santa's Express Train Set", brand="Hornby", model="R1179",
              category="Hobbies > Model Trains & Railway Sets > Rail Vehicles > Trains",
              attributes={"Weight": "1.2 Kg", "Recommended age": "8 years and up", "Engine type": "electric"})


def fact(name: str, value: str) -> Fact:
    return Fact(id="F9", name=name, value=value, source_id="x")


def test_label_lines_and_spec_sentences_are_spec_dumps() -> None:
    facts = [fact("Weight", "1.2 Kg"), fact("Engine type", "electric"), fact("Category", "Trains")]
    assert bare_label_line("WEIGHT: 1.2 kg", facts)
    assert bare_label_line("Category: Trains; Engine type: electric", facts)
    assert not bare_label_line("SIZE AND WEIGHT: It weighs 1.2 kg.", facts)
    assert spec_sentence("The engine type is electric.", facts)
    assert not spec_sentence("The Hornby Santa's Express Train Set is made for ages 8 and up.", facts)


@pytest.mark.parametrize(("text", "bare"), [
    ("Processor frequency: 2.66", ["2.66"]),  # issue 16: the Icecat number without its unit
    ("Its memory layout is 2 x 2.", ["2"]),
    ("It prints up to 23,000 pages.", []),
    ("It has a 17-inch display and 4 cores.", []),
    ("It runs Windows 7 and has USB 2.0 ports.", []),  # names with numbers
    ("It is made for ages 3 to 10.", []), ("Ages 8+", []),
    ("It measures 40 x 29.8 x 8 cm and takes 100 - 240 V.", []),
    ("It comes as a pack of 6.", []), ("An IEC 309 32A input and an RJ-45 port.", []),
])
def test_numbers_need_a_unit_or_a_counting_noun(text: str, bare: list[str]) -> None:
    assert bare_numbers(text) == bare


def test_a_model_number_is_a_name_not_a_quantity() -> None:
    assert bare_numbers("Learning Curve Take Along Lorry 1 57413") == ["57413"]
    assert bare_numbers("Learning Curve Take Along Lorry 1 57413", ["57413"]) == []


def test_thousands_separators_count_for_the_string_coverage() -> None:
    assert key_fact_covered(fact("Black toner page yield", "23000 pages"), "It prints up to 23,000 pages.")
    assert not key_fact_covered(fact("Black toner page yield", "23000 pages"), "It prints up to 2,300 pages.")


def test_praise_bullets_and_filler_are_found_by_the_verifier() -> None:
    facts = facts_for(TOY, include_description=False)
    verifier = GroundingVerifier(TOY, facts)
    draft = Draft(sku="t1", title="Hornby Santa's Express Train Set R1179",
                  bullets=["WHAT IT IS: The Hornby Santa's Express Train Set is made for ages 8 and up.",
                           "GOOD TO KNOW: A great choice for everyday use."],
                  description="It weighs 1.2 kg. A great choice for everyday use.")
    assert bullets_without_fact(draft, verifier) == ["GOOD TO KNOW: A great choice for everyday use."]
    assert fact_free_sentences(draft, verifier) == ["A great choice for everyday use."] * 2
    row = judge_copy(draft, TOY, facts)
    summary = summarise_copy([row, row, judge_copy(draft.model_copy(update={"description": "It weighs 1.2 kg."}),
                                                   TOY, facts)])
    assert summary["bullets_without_fact"] == 3 and summary["most_repeated_filler_share"] == 1.0
    assert summary["filler_sentences_over_20pct"] == 1


def test_a_brand_said_with_the_title_words_is_credited_to_the_brand() -> None:
    """"The Hornby Santa's Express Train Set ...": the verifier's minimal attribution gives "Hornby" to the title
    fact (it holds more of the sentence's words); the title is never a key fact, so coverage attributes the
    sentence again without it and the brand counts. A brand the draft does not say still does not."""
    facts = facts_for(TOY, include_description=False)
    verifier = GroundingVerifier(TOY, facts)
    brand = next(f for f in facts if f.name == "Brand")
    title = next(f for f in facts if f.value == TOY.title)
    said = Draft(sku="t1", title="Hornby Santa's Express Train Set R1179",
                 bullets=["WHAT IT IS: The Hornby Santa's Express Train Set is made for ages 8 and up."],
                 description="It has an electric engine and weighs 1.2 kg.")
    assert brand.id not in verifier.check_text(said.bullets[0], "bullet").fact_ids  # the title took the word
    assert title.id in verifier.check_text(said.bullets[0], "bullet").fact_ids
    coverage = judge_copy(said, TOY, facts)["coverage"]
    assert coverage["verifier"] == coverage["value_stated"] == 1.0  # brand, model, category (train), engine, age, weight
    unsaid = Draft(sku="t1", title="Santa's Express Train Set R1179",
                   bullets=["WHAT IT IS: The Santa's Express Train Set is made for ages 8 and up."],
                   description="It has an electric engine and weighs 1.2 kg.")
    assert judge_copy(unsaid, TOY, facts)["coverage"]["verifier"] == pytest.approx(5 / 6)


def test_distinct_2_within_a_category_needs_enough_drafts() -> None:
    assert distinct_2_within_category({"a": ["x y z", "x y z", "x y z"]}) == pytest.approx(1 / 3, abs=1e-3)
    assert distinct_2_within_category({"a": ["x y"], "b": ["p q", "r s"]}) is None

"""The line between factual claims and marketing language (chains/grounding/language.py, frames.py): word classes,
catalog shapes (labels, single items, ages), field lines, negated contents, and text that is never copy."""

from __future__ import annotations

import pytest

from chains.grounding import GroundingVerifier
from chains.grounding.language import word_class
from copydesk.domain import Product
from retrieval.facts import facts_for

PLUSH = Product(sku="fox1", title="Cuddle Pals Plush Fox, 30 cm", brand="Cuddle Pals", category="Toys > Soft Toys",
                attributes={"Material": "Polyester", "Colour": "Orange", "Recommended age": "3 years and up",
                            "Batteries included": "No"})
ADAPTER = Product(sku="db9", title="StarTech.com DB9 Null Modem Adapter", brand="StarTech.com",
                  attributes={"Connector gender": "Male/Female", "Assembly required": "Yes", "Colour": "Grey"})


def rejected(item: Product, text: str) -> list[tuple[str, str]]:
    checked = GroundingVerifier(item, facts_for(item, include_description=False)).check_text(text, "description")
    return [(c.kind, c.text) for c in checked.dropped]


@pytest.mark.parametrize("word, kind", [("imagination", "abstract"), ("party", "abstract"), ("artists", "person"),
                                        ("encourage", "verb"), ("cute", "adjective"), ("toy", "kind")])
def test_words_with_no_factual_content_have_a_class(word: str, kind: str) -> None:
    assert word_class(word) == kind


@pytest.mark.parametrize("word", ["bag", "batteries", "glows", "wireless", "washable", "motorised", "Italy", "coolest"])
def test_things_functions_names_and_superlatives_are_claims(word: str) -> None:
    assert word_class(word) is None


@pytest.mark.parametrize("sentence", [
    "A fun way to spend family game night.",
    "Let their imagination run wild!",
    "Perfect for any fan of cuddly foxes.",
    "Product Description A lovely gift for little ones.",
    "Box contains 1 x Cuddle Pals Plush Fox.",
    "Suitable for ages 3+.",
    "Not suitable for children under 36 months.",
    "Recommended for 3 years and up.",
])
def test_marketing_language_and_catalog_shapes_pass(sentence: str) -> None:
    assert rejected(PLUSH, sentence) == []


@pytest.mark.parametrize("sentence, kind", [
    ("Box contains 2 x Cuddle Pals Plush Fox.", "contents"),
    ("Suitable for ages 5+.", "number"),
    ("Includes a carry bag and a whistle.", "contents"),
    ("A soft fox that glows in the dark and sings.", "sentence"),
    ("A soft cotton fox.", "material"),
    ("The coolest fox in town!", "sentence"),
    ("The best-selling plush of the year.", "absolute"),
    ("Made in Italy.", "brand"),
])
def test_factual_claims_the_facts_lack_are_rejected(sentence: str, kind: str) -> None:
    assert kind in {k for k, _ in rejected(PLUSH, sentence)}, rejected(PLUSH, sentence)


def test_a_field_line_must_state_that_fields_value() -> None:
    assert rejected(ADAPTER, "Colour: Grey") == []
    assert rejected(ADAPTER, "Assembly required: Yes") == []
    assert [k for k, _ in rejected(ADAPTER, "Assembly required: No")] == ["field"]
    assert [k for k, _ in rejected(ADAPTER, "Brand: Belkin")] == ["field"]
    assert rejected(ADAPTER, "Brand: StarTech.com") == []


def test_absent_contents_need_a_no_fact() -> None:
    assert rejected(PLUSH, "Batteries are not included.") == []
    assert [k for k, _ in rejected(PLUSH, "The glue is not supplied.")] == ["sentence"]
    assert [k for k, _ in rejected(ADAPTER, "It requires no assembly.")] == ["sentence"]


@pytest.mark.parametrize("text", [
    "I'm sorry, but I can't write that listing.",
    "As an AI, I cannot verify the product.",
    "[Insert key feature here] for all ages.",
    "Lorem ipsum dolor sit amet.",
    "Here is a product description for the fox:",
    "F1. Product: Cuddle Pals Plush Fox",
])
def test_refusals_placeholders_and_echoed_prompts_are_never_copy(text: str) -> None:
    assert "not_copy" in {kind for kind, _ in rejected(PLUSH, text)}, rejected(PLUSH, text)


def test_the_public_api_still_drops_and_keeps_by_sentence() -> None:
    verifier = GroundingVerifier(PLUSH, facts_for(PLUSH), allowed_texts=["Free returns within 30 days"])
    checked = verifier.check_text("A cuddly orange fox. Includes a remote. Free returns within 30 days.", "description")
    assert checked.text == "A cuddly orange fox. Free returns within 30 days."
    assert checked.dropped_sentences == ["Includes a remote."]
    [first, second, third] = verifier.sentence_checks("A cuddly orange fox. Includes a remote. Great!", "bullet")
    assert (first.supported, second.supported, third.supported) == (True, False, True)
    assert any(c.kind == "colour" and c.supported for c in first.claims)


PAPER = Product(sku="p1", title="Epson Photo Paper A3+ 25 sheets", brand="Epson",
                attributes={"Paper size": "A3+", "Width": "1.8 m", "Material": "PU leather"})
FIGURE = Product(sku="f1", title="Divebomb Figure", brand="Transformers",
                 attributes={"Product dimensions": "2.5 x 14 x 17.8 cm", "Manufacturer": "Just Cards"})


@pytest.mark.parametrize("item, sentence", [
    (FIGURE, "Divebomb Figure 14."),  # a 14 the facts give as a size, not as part of the name
    (PAPER, "Under 1.8 m wide."),  # a bound, where the facts give the measure
    (PAPER, "Photo paper in A3."),  # A3 is not A3+
    (FIGURE, "Made of PU."),  # two capitals: an abbreviation, a claim
    (PLUSH, "An infrared remote."),  # a technology
])
def test_names_with_numbers_bounds_codes_and_technologies_are_claims(item: Product, sentence: str) -> None:
    assert rejected(item, sentence), sentence


@pytest.mark.parametrize("item, sentence", [
    (PAPER, "Photo paper in A3+, 1.8 m wide."),
    (PAPER, "Made of PU leather."),
    (FIGURE, "Just Cards 14 Divebomb Figure for Christmas."),  # the brand ends, the number starts a name
    (PAPER, "Comes with a 1.8 m wide photo paper."),  # a decimal point inside a contents list
])
def test_the_same_shapes_pass_when_the_facts_say_them(item: Product, sentence: str) -> None:
    assert not [k for k, _ in rejected(item, sentence) if k in {"model", "number", "brand", "contents"}], \
        rejected(item, sentence)

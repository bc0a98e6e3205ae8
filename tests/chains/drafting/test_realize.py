"""Realization: each attribute family's phrases, the channel styles, voices, and that realized copy is verified."""

from __future__ import annotations

import random
import re

import pytest

from chains.drafting.realize import realize_draft, voice_for
from chains.drafting.realize.phrases import items_for
from chains.evaluation import description_sentences, spec_sentence
from chains.grounding import GroundingVerifier
from chains.rules import check_rules
from copydesk.domain import BrandRules, Product
from retrieval.facts import facts_for

TOY = Product(sku="t1", title="Hornby Santa's Express Train Set", brand="Hornby", model="R1179",
              category="Hobbies > Model Trains & Railway Sets > Rail Vehicles > Trains",
              attributes={"Weight": "1.2 Kg", "Dimensions": "40 x 29.8 x 8 cm", "Recommended age": "8 years and up",
                          "Assembly required": "Yes", "Scale": "1:72", "Track gauge": "OO", "Batteries required": "No",
                          "Material": "Plastic", "Colour": "red", "Number of puzzle pieces": "352"})
TONER = Product(sku="e1", title="Xerox 006R90321 toner cartridge Original Black 6 pc(s)", brand="Xerox", model="006R90321",
                attributes={"Type": "Original", "Printing colours": "Black", "Compatibility": "CopyCentre C65",
                            "Quantity per pack": "6", "Black toner page yield": "23000", "Cable length": "4.6",
                            "Processor frequency": "2.13"})


def phrases(product: Product) -> dict[str, str]:
    return {i.kind: i.vp for i in items_for(product, facts_for(product), random.Random(0))}


@pytest.mark.parametrize(("product", "kind", "expected"), [
    (TOY, "age", r"ages 8 and up"),
    (TOY, "weight", r"^weighs (just |only )?1\.2 kg$"),
    (TOY, "dimensions", r"^measures (about )?40 x 29\.8 x 8 cm$"),
    (TOY, "no_batteries", r"no batteries"),
    (TOY, "assembly", r"assembly"),
    (TOY, "material", r"plastic$"),
    (TOY, "colour", r"red$"),
    (TOY, "count", r"352 pieces$"),
    (TOY, "scale", r"1:72 scale$"),
    (TOY, "gauge", r"OO gauge$"),
    (TONER, "compatibility", r"CopyCentre C65$"),
    (TONER, "yield", r"up to 23,000 pages$"),  # thousands separated, as copy writes them
    (TONER, "pack", r"a pack of 6$"),
    (TONER, "cable", r"a 4\.6 m cable$"),
    (TONER, "figure", r"of 2\.13 GHz$"),  # a bare Icecat number gets its unit from the knowledge graph
])
def test_each_family_becomes_a_phrase(product: Product, kind: str, expected: str) -> None:
    assert re.search(expected, phrases(product)[kind]), phrases(product)[kind]


def test_long_compatibility_lists_are_summarised() -> None:
    models = ", ".join(f"Stylus C{n}" for n in range(40, 52))
    product = TONER.model_copy(update={"attributes": {"Compatibility": models}})
    assert re.search(r"works with|compatible with|use with", phrases(product)["compatibility"])
    assert "12 models, including Stylus C40 and Stylus C41" in phrases(product)["compatibility"]


@pytest.mark.parametrize("product", [TOY, TONER])
@pytest.mark.parametrize("channel", ["amazon", "shopify", "generic"])
def test_realized_drafts_are_verified_copy_in_the_channel_style(product: Product, channel: str) -> None:
    facts = facts_for(product, include_description=False)
    draft = realize_draft(product, facts, BrandRules(), channel)
    verifier = GroundingVerifier(product, facts)
    fields = [("title", draft.title), *(("bullet", b) for b in draft.bullets), ("description", draft.description)]
    assert not [c for f, t in fields for c in verifier.claims(t, f) if not c.supported]
    assert 3 <= len(draft.bullets) <= 5 and not check_rules(draft, BrandRules(), channel)
    assert 2 <= len(draft.description.splitlines()) <= 3  # short paragraphs
    labels = {f.name.lower() for f in facts}
    assert not any(b.split(":")[0].strip().lower() in labels for b in draft.bullets)  # no "Weight: 1.2 Kg"
    assert not [s for s in description_sentences(draft) if spec_sentence(s, facts)]  # no "The weight is 1.2 Kg."
    assert not any(label in draft.title.lower() for label in ("weight:", "brand:", "category:"))
    header = draft.bullets[1].split(":")[0] if channel != "shopify" else draft.bullets[1].split(" – ")[0]
    if channel == "amazon":
        assert header.isupper() and all(len(b) <= 255 for b in draft.bullets) and len(draft.title) <= 200
    if channel == "shopify":
        assert " – " in draft.bullets[1] and draft.meta_description


def test_playful_and_technical_voices_use_different_words() -> None:
    facts = facts_for(TOY, include_description=False)
    playful = realize_draft(TOY, facts, BrandRules(tone_words=["playful", "warm"]), "amazon")
    technical = realize_draft(TOY, facts, BrandRules(tone_words=["calm", "precise"]), "amazon")
    assert voice_for(BrandRules(tone_words=["playful"])) == "playful"
    fact_words = {w for f in facts for w in re.findall(r"[a-z]+", f"{f.name} {f.value}".lower())}

    def words(d):
        return {w for w in re.findall(r"[a-z]+", " ".join([*d.bullets, d.description]).lower()) if w not in fact_words}

    a, b = words(playful), words(technical)
    assert len(a ^ b) >= len(a | b) / 3


def test_seeds_vary_the_wording_but_not_the_facts() -> None:
    facts = facts_for(TOY, include_description=False)
    drafts = [realize_draft(TOY, facts, BrandRules(), "generic", seed=s) for s in range(4)]
    assert len({d.description for d in drafts}) > 1
    assert all("1.2 kg" in " ".join(d.bullets) + d.description for d in drafts)

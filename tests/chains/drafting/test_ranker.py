"""The ranker: grounded, covering, compliant, fluent drafts first; near-duplicate alternatives skipped."""

from __future__ import annotations

from chains.drafting.ranker import fact_covered, key_facts, rank, score_draft
from chains.drafting.template import template_draft
from copydesk.domain import BrandRules, Draft, DraftScores, Fact
from retrieval.facts import facts_for
from tests.fixtures.products_small import product

PHILIPS = "3961671"
RULES = BrandRules()


def philips():
    item = product(PHILIPS)
    return item, facts_for(item)


def test_key_facts_are_brand_type_and_specs_deterministically() -> None:
    item, facts = philips()
    keys = key_facts(item, facts)
    assert len(keys) == 6
    assert keys[0].name == "Brand"
    names = [f.name for f in keys]
    assert "Product" not in names and "Description" not in names
    assert keys == key_facts(item, facts)
    assert len({f.value.lower() for f in keys}) == len(keys)  # "Category" and "Product type" both say Headphones


def test_placeholder_values_are_never_key_facts() -> None:
    """Amazon's "Generic" brand and "others > others" category are fields left at their default: a copywriter never
    writes them, whatever the draft. A real brand and a category path with one named step still count."""
    from copydesk.domain import Product
    item = Product(sku="g1", title="20pcs Street Lights", brand="Generic", category="others > others",
                   attributes={"Recommended age": "3 years and up", "Weight": "200 g"})
    names = [f.name for f in key_facts(item, facts_for(item, include_description=False))]
    assert "Brand" not in names and "Category" not in names and "Recommended age" in names
    named = item.model_copy(update={"brand": "Hornby", "category": "others > Trains"})
    names = [f.name for f in key_facts(named, facts_for(named, include_description=False))]
    assert "Brand" in names and "Category" in names
    assert len(key_facts(named, facts_for(named), limit=None)) > len(key_facts(named, facts_for(named), limit=2))


def test_unsupported_claims_lower_grounding_and_total() -> None:
    item, facts = philips()
    clean = template_draft(item, facts, RULES, "amazon")
    bad = clean.model_copy(update={"description": clean.description + " Waterproof, with 40 hours of battery."})
    good_scores = score_draft(clean, item, facts, RULES, "amazon", None)
    bad_scores = score_draft(bad, item, facts, RULES, "amazon", None)
    assert good_scores.grounding == 1.0
    assert bad_scores.grounding <= 0.5
    assert bad_scores.total < good_scores.total


def test_coverage_counts_key_facts_stated_with_units_converted() -> None:
    item, facts = philips()
    thin = Draft(sku=PHILIPS, title="Philips headphones", description="")
    full = template_draft(item, facts, RULES, "generic")
    assert score_draft(thin, item, facts, RULES, "generic", None).coverage < score_draft(
        full, item, facts, RULES, "generic", None).coverage
    weight = Fact(id="F9", name="Weight", value="1.3 Kg", source_id="x")
    assert fact_covered(weight, "It weighs 1300 g.")
    assert not fact_covered(weight, "It weighs 1.2 kg.")


def test_rule_violations_lower_style_and_fluency_is_scaled() -> None:
    item, facts = philips()
    d = template_draft(item, facts, RULES, "amazon")
    shouty = d.model_copy(update={"title": d.title + "!!! Best seller"})
    assert score_draft(shouty, item, facts, RULES, "amazon", None).style < 1.0
    assert score_draft(d, item, facts, RULES, "amazon", -0.5).fluency > score_draft(d, item, facts, RULES, "amazon",
                                                                                      -3.0).fluency
    assert score_draft(d, item, facts, RULES, "amazon", None).fluency == 0.5


def scored(title: str, description: str, total: float) -> Draft:
    return Draft(sku="s", title=title, description=description, scores=DraftScores(total=total))


def test_rank_keeps_best_first_and_skips_near_duplicates() -> None:
    a = scored("Philips in-ear headphones", "Blue and turquoise in-ear headphones with a 1.2 m cable.", 0.9)
    a_again = scored("Philips in-ear headphones", "Blue and turquoise in-ear headphones with a 1.2 m cable!", 0.8)
    b = scored("Philips SHE3582/28", "Dynamic drivers, 16 ohm impedance, 3.5 mm jack.", 0.7)
    c = scored("Headphones by Philips", "Wired, intraaural, in a blister package.", 0.6)
    assert rank([c, a_again, b, a], keep=3) == [a, b, c]
    assert rank([c, a_again, b, a], keep=2) == [a, b]
    assert rank([], keep=3) == []


def test_required_phrases_added_by_the_rules_do_not_count_as_unsupported() -> None:
    item, facts = philips()
    rules = BrandRules(required_phrases=["Free returns within 30 days"])
    d = template_draft(item, facts, rules, "amazon")
    assert "Free returns within 30 days." in d.description
    assert score_draft(d, item, facts, rules, "amazon", None).grounding == 1.0

"""Phase-1 template drafts: complete, within the channel's limits, and fully grounded on real products."""

from __future__ import annotations

import pytest

from chains.rules import check_rules
from chains.drafting.template import product_kind, template_draft
from chains.grounding.verifier import GroundingVerifier
from copydesk.domain import BrandRules, Product
from retrieval.facts import facts_for
from tests.fixtures.products_small import flipkart, icecat, product, toys


@pytest.mark.parametrize(("dataset", "size"), [(icecat, 20), (toys, 20), (flipkart, 10)])
@pytest.mark.parametrize("channel", ["amazon", "shopify", "generic"])
def test_template_drafts_pass_the_verifier_with_nothing_dropped(dataset, size: int, channel: str) -> None:
    items = dataset()
    assert len(items) == size
    for item in items:
        facts = facts_for(item)
        draft = template_draft(item, facts, BrandRules(), channel)
        verified = GroundingVerifier(item, facts).verify(draft)
        assert verified.dropped_claims == [], (item.sku, [(c.text, c.reason) for c in verified.dropped_claims])
        assert (verified.title, verified.bullets, verified.description) == (draft.title, draft.bullets,
                                                                             draft.description)
        assert draft.origin == "template" and draft.sku == item.sku
        assert draft.title and draft.description
        assert 1 <= len(draft.bullets) <= 5
        assert draft.violations == [] and check_rules(draft, BrandRules(), channel) == []
        assert set(draft.facts_used) <= {f.id for f in facts}


def test_attribute_only_products_still_pass_when_the_description_is_left_out() -> None:
    for item in [*icecat()[:5], *toys()[:5]]:
        facts = facts_for(item, include_description=False)
        draft = template_draft(item, facts, BrandRules(), "amazon")
        assert GroundingVerifier(item, facts).verify(draft).dropped_claims == []
        assert len(draft.bullets) >= 3 or len([f for f in facts if f.name not in {"Product", "Brand"}]) < 4


def test_brand_rules_shape_the_template() -> None:
    item = product("ce33e48efd52d878b045a0202685313b")  # Mighty Megasaur T-Rex
    rules = BrandRules(title_max_length=30, bullet_count=3, capitalisation="title")
    draft = template_draft(item, facts_for(item), rules, "amazon")
    assert len(draft.title) <= 30
    assert len(draft.bullets) == 3
    assert draft.violations == []


def test_shopify_template_has_a_meta_description_amazon_does_not() -> None:
    item = icecat()[0]
    assert template_draft(item, facts_for(item), BrandRules(), "amazon").meta_description is None
    meta = template_draft(item, facts_for(item), BrandRules(), "shopify").meta_description
    assert meta and len(meta) <= 160


def test_product_kind() -> None:
    assert product_kind(toys()[0]) == "toys"
    assert product_kind(product("3961671")) == "electronics"
    assert product_kind(Product(sku="g", title="Linen shirt", attributes={"Fabric": "Linen"})) == "generic"
    assert {product_kind(p) for p in flipkart()} >= {"generic"}


def test_template_is_deterministic() -> None:
    item = toys()[3]
    a = template_draft(item, facts_for(item), BrandRules(), "amazon")
    b = template_draft(item, facts_for(item), BrandRules(), "amazon")
    assert a.model_dump(exclude={"created_at"}) == b.model_dump(exclude={"created_at"})

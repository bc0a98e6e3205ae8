"""Labels, seller and marketplace boilerplate and condition words come out of catalog text, each removal
recorded on the product with its rule; product text that only looks similar stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.domain import Product
from retrieval.catalog import Catalog
from retrieval.cleaning import clean_product, clean_text, rules


def cleaned(text: str, title: str = "Wooden Market Stall") -> tuple[str, list[str]]:
    result = clean_text(text, "description", title)
    return result.text, [r.rule or "" for r in result.removed]


@pytest.mark.parametrize(("raw", "kept", "rule"), [
    ("Product Description A colourful wooden stall. Suitable for children from three years. Box Contains "
     "1 x Stall", "A colourful wooden stall. Suitable for children from three years.\n1 x Stall", "box-contains"),
    ("Box Contains Includes lots of paper and 36 pipe cleaners", "Includes lots of paper and 36 pipe cleaners",
     "box-contains"),
    ("This Product: Arc de Triomphe in 3D, 120 pieces.", "Arc de Triomphe in 3D, 120 pieces.", "this-product"),
    ("Colour Name:Brown display case Read your next book with four bookmarks.",
     "Read your next book with four bookmarks.", "variation-name"),
    ("Soft plush. Delivery Destinations: Visit the Delivery Destinations Help page to see where this item can be "
     "delivered.", "Soft plush.", "delivery-destinations"),
    ("Soft plush. Feedback Would you like to update product info or give feedback on images?", "Soft plush.",
     "feedback"),
    ("Soft plush. See our storefront for even more Party Toys! Hand wash only.", "Soft plush. Hand wash only.",
     "cross-promotion"),
    ("These craft pens decorate the porcelain kits available on our amazon shop. Heat fix them in the oven.",
     "These craft pens decorate the porcelain kits. Heat fix them in the oven.", "our-shop"),  # the fact stays
    ("Bright LEDs. Trade enquiries welcome, ask for our dealer price list. Runs on 2 AA batteries.",
     "Bright LEDs. Runs on 2 AA batteries.", "dealer-pitch"),
    ("Gem mint condition. Includes the original card.", "Includes the original card.", "mint-condition"),
    ("Brand new. Fun for all.", "Fun for all.", "brand-new"),
    ("This is a brand new 25mm badge with a pin.", "This is a 25mm badge with a pin.", "brand-new"),
    ("Condition: 100% Brand New Material: PVC", "Material: PVC", "condition-label"),
])
def test_each_kind_of_catalog_noise_goes(raw: str, kept: str, rule: str) -> None:
    text, found = cleaned(raw)
    assert text == kept
    assert rule in found


def test_a_flipkart_description_keeps_only_what_describes_the_product() -> None:
    title = "Alfajr WQ18 Qibla Compass Digital Watch - For Men, Boys, Girls"
    raw = (f"{title} - Buy {title} WQ18 Online at Rs.7495 in India Only at Flipkart.com. Qibla Compass, Light, "
           "Azan Time Calculation - Great Discounts, Only Genuine Products, 30 Day Replacement Guarantee, "
           "Free Shipping. Cash On Delivery!")
    text, found = cleaned(raw, title)
    assert text == "Qibla Compass, Light, Azan Time Calculation"
    assert set(found) == {"buy-at-price", "marketplace-offers"}


def test_a_colour_or_code_said_only_in_the_shop_line_is_kept_as_an_attribute() -> None:
    title = "Allen Solly Girl's Gathered Dress"
    raw = f"{title} - Buy Blue {title} - AS-1042 For Only Rs. 1599 Online in India. Shop Online For Apparels."
    product = clean_product(Product(sku="F1", title=title, description=raw, attributes={"Fabric": "Cotton"}))
    assert product.description is None
    assert product.attributes == {"Fabric": "Cotton", "Colour": "Blue", "Style code": "AS-1042"}
    assert "“Blue” kept as Colour" in product.removed[0].reason
    known = clean_product(Product(sku="F2", title=title, description=raw, attributes={"Color": "Navy"}))
    assert known.attributes == {"Color": "Navy", "Style code": "AS-1042"}  # the catalog's own colour stands


# Real Flipkart rows (flipkart-sample.csv): the shop line without "Buy ... Rs" in front, and a shouted banner.
def test_flipkarts_buy_online_line_goes_and_the_facts_around_it_stay() -> None:
    title = "Veelys Shiny White Quad Roller Skates - Size 4.5 UK"
    raw = (f"{title} only for Rs 2499 . Ideal For Boys . Buy online @ Flipkart.com. Only Genuine Products. "
           "Free Shipping. Cash On Delivery!")
    text, found = cleaned(raw, "Veelys Shiny White Quad Roller Skates")
    assert text == f"{title} Ideal For Boys ."
    assert {"price-line", "marketplace-promo", "marketplace-offers"} <= set(found)


def test_a_shouted_shipping_banner_goes_but_the_product_facts_stay() -> None:
    raw = ("TWO DAYS FREE SHIPPING | 100% SATISFIED CUSTOMERS NO HIDDEN CHARGES | TESTED PRODUCT | SOLVE YOUR QUERY\n"
           "PRODUCT Full LCD Display with digitizer for all products")
    text, found = cleaned(raw, "Cellbazaar Blackberry 8520 WHITE LCD")
    assert text == "PRODUCT Full LCD Display with digitizer for all products"
    assert {"marketplace-offers", "seller-promises"} <= set(found)


@pytest.mark.parametrize(("raw", "kept"), [
    ("Jacknjewel natural stone ring made in 14kt hallmark gold. Shop now to avail the lowest online prices.",
     "Jacknjewel natural stone ring made in 14kt hallmark gold."),
    ("Add oodles of style to your home with designer furnishings. best quality products at best prices.",
     "Add oodles of style to your home with designer furnishings."),
    ("Choli and Dupatta Set. We have not authorised any other seller to sell our brand Indcrown . Any seller doing "
     "so is selling fake Indcrown Products.", "Choli and Dupatta Set."),
])
def test_more_flipkart_seller_lines_go(raw: str, kept: str) -> None:
    assert cleaned(raw)[0] == kept


def test_seller_terms_go_as_whole_sentences_with_their_list_numbers() -> None:
    raw = ("It is foldable for storage. Free Shipping! You will enjoy FREE SHIPPING for this item. Return policy: "
           "1. Buyer should return the item within 30 days. 2. Refund given as money back. Great game.")
    assert cleaned(raw)[0] == "It is foldable for storage. Great game."


def test_a_repeated_paragraph_goes_once_whole_or_cut_short() -> None:
    raw = "Top\nPrice: Rs. 699\nA stylish top in stripes with a V-neck.\nA stylish top in stripes with a V-n"
    text, found = cleaned(raw, "Top")
    assert text == "A stylish top in stripes with a V-neck."
    assert found == ["title-heading", "price-line", "repeated-text"]


@pytest.mark.parametrize("text", [
    "Encounter brand new puzzlers and mini-games.",        # novel ones, not the goods' condition
    "The case keeps your phone brand new, always.",
    "This gift box contains six finger puppets.",            # a sentence, not Amazon's heading
    "Free to play with friends; see the rules inside.",
    "The ship can be dispatched on a mission in the game.",
    "Delivered in two days by the seller's own van? No: the toy truck carries 12 blocks.",
    "Warranty: 1 year manufacturer warranty against manufacturing defects.",  # a fact of the product
    "Buy this pair of Liza Sandal and team it up with denims.",
    "Two cushion covers for 40 cm cushions, only for indoor use.",
    "Made from genuine leather, with a tested buckle.",
])
def test_product_text_that_only_looks_like_noise_stays(text: str) -> None:
    assert cleaned(text) == (text, [])


def test_the_product_records_what_was_removed_where_and_why() -> None:
    product = Product(sku="T1", title="Market Stall", description="Product Description A stall. <br>Brand new.",
                      attributes={"Diagram": "<div><img src='x.gif'></div>", "Colour": "Red &amp; white"})
    result = clean_product(product)
    assert result.description == "A stall."
    assert result.attributes == {"Colour": "Red & white"}  # an attribute left empty goes
    removed = {(r.field, r.kind, r.rule): r.text for r in result.removed}
    assert removed == {
        ("description", "markup", "html"): "<br>",
        ("description", "label", "product-description"): "Product Description",
        ("description", "condition", "brand-new"): "Brand new",
        ("attribute 'Diagram'", "markup", "html"): "<div> <img src='x.gif'>",
    }
    assert all(r.reason for r in result.removed)
    assert clean_product(result) == result  # cleaning twice removes nothing more


def test_every_rule_has_a_reason_and_a_kind() -> None:
    ids = [rule.id for rule in rules()]
    assert len(ids) == len(set(ids))
    assert all(rule.reason and rule.kind in ("label", "boilerplate", "condition") for rule in rules())


def test_removals_survive_the_store_and_ingest_counts_them(fake_catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('sku,title,description\nS1,Stall,"Product Description A stall.<br>Brand new."\nS2,Apron,Red.\n',
                    encoding="utf-8")
    report = fake_catalog.ingest_products([path])
    assert report.added == 2 and report.cleaned == 1 and not report.withheld and "1 cleaned" in report.summary()
    stored = fake_catalog.get("S1")
    assert stored is not None and stored.description == "A stall."
    assert [(r.kind, r.rule) for r in stored.removed] == [("markup", "html"), ("label", "product-description"),
                                                          ("condition", "brand-new")]


def test_a_sentence_pasted_onto_the_last_gets_its_space_back() -> None:
    """Chuggington's description: "... with traintastic toys!An amazingly Interactive Chuggington World." read
    as one sentence in drafts. Nothing is removed; codes, abbreviations and domains stay as written."""
    cleaned = clean_text("Join the trainees with traintastic toys!An amazing world.Ready to roll? Yes.", "description",
                         "Speedy")
    assert cleaned.text == "Join the trainees with traintastic toys! An amazing world. Ready to roll? Yes."
    assert not cleaned.removed
    for kept in ("Sold on Amazon.Com today.", "Made in the U.K. for kids.", "Model No.R1179 in OO.", "e.g. Lego."):
        assert clean_text(kept, "description", "x").text == kept


def test_a_placeholder_for_a_missing_value_is_no_fact() -> None:
    """Amazon UK toys' Marvel Hulk vs Nova has the manufacturer "MISSING": the polish wrote "from MISSING". A
    field holding only such a placeholder is emptied and the removal recorded. In an attribute, "N/A" or "None"
    can say that something is absent, so they stay there."""
    product = Product(sku="daf69", title="Marvel Super Hero Squad Hulk vs Nova", brand="MISSING", model="n/a",
                      category="Toys", attributes={"Colour": " unknown ", "Batteries": "None", "Size": "Missing parts: 0",
                                                   "Discrete graphics adapter model": "Not available"})
    result = clean_product(product)
    assert result.brand is None and result.model is None and result.category == "Toys"
    assert result.attributes == {"Batteries": "None", "Size": "Missing parts: 0",
                                 "Discrete graphics adapter model": "Not available"}
    assert {(r.field, r.kind, r.rule, r.text) for r in result.removed} == {
        ("brand", "empty", "empty-value", "MISSING"), ("model", "empty", "empty-value", "n/a"),
        ("attribute 'Colour'", "empty", "empty-value", " unknown ")}
    assert clean_product(result) == result


"""Brand and channel rules: deterministic repair, and honest reports of what could not be repaired."""

from __future__ import annotations

import pytest

from chains.rules import CHANNELS, apply_rules, channel_profile, check_rules
from chains.rules.text_edits import cut_at_sentence, cut_at_word, remove_phrases, sentence_case, title_case
from copydesk.domain import BrandRules, Draft
from copydesk.errors import InputError

PLAIN = BrandRules()


def draft(**fields) -> Draft:
    base = {"sku": "s1", "title": "Hornby Santa's Express Train Set", "bullets": ["Oval track", "Power transformer"],
            "description": "The set includes a festive train and an oval track."}
    base.update(fields)
    return Draft(**base)


def test_channels_are_the_three_profiles() -> None:
    assert set(CHANNELS) == {"generic", "amazon", "shopify"}
    assert CHANNELS["amazon"].title_max == 200 and CHANNELS["amazon"].bullet_max == 5
    assert CHANNELS["shopify"].meta_max == 160
    with pytest.raises(InputError, match="amazon"):
        channel_profile("ebay")


def test_a_clean_draft_has_no_violations_and_is_unchanged() -> None:
    d = draft()
    out = apply_rules(d, PLAIN, "amazon")
    assert out.violations == [] and check_rules(d, PLAIN, "amazon") == []
    assert (out.title, out.bullets, out.description) == (d.title, d.bullets, d.description)


def test_amazon_banned_characters_and_promotional_phrases_are_removed() -> None:
    d = draft(title="Best Seller! Hornby Train Set {New} $70", bullets=["Free shipping today!", "Great fun? Yes!"],
              description="The #1 train set! On sale now. A lovely_set.")
    assert check_rules(d, PLAIN, "amazon")
    out = apply_rules(d, PLAIN, "amazon")
    assert out.title == "Hornby Train Set New 70"
    assert out.bullets == ["Great fun. Yes."]
    assert out.description == "The train set. A lovely set."
    assert out.violations == []
    for text in [out.title, *out.bullets, out.description]:
        assert not set(text) & set("!$?_{}^¬¦")


def test_title_is_cut_at_a_word_within_the_stricter_limit() -> None:
    d = draft(title="Hornby Santa's Express Train Set with Oval Track and Power Transformer for Christmas")
    out = apply_rules(d, BrandRules(title_max_length=40), "amazon")
    assert len(out.title) <= 40
    assert not out.title.endswith((" with", " and", ","))
    assert d.title.startswith(out.title)
    long = draft(title="Word " * 60)
    assert len(apply_rules(long, PLAIN, "amazon").title) <= 200


def test_extra_bullets_are_dropped_and_missing_ones_reported() -> None:
    many = draft(bullets=[f"Bullet {n}" for n in range(1, 8)])
    assert apply_rules(many, PLAIN, "amazon").bullets == [f"Bullet {n}" for n in range(1, 6)]
    out = apply_rules(many, BrandRules(bullet_count=3), "shopify")
    assert out.bullets == ["Bullet 1", "Bullet 2", "Bullet 3"]
    few = apply_rules(draft(bullets=["Only one"]), BrandRules(bullet_count=4), "generic")
    assert few.violations == ["1 bullets; the brand asks for 4."]


def test_banned_words_are_removed_cleanly() -> None:
    d = draft(description="A cheap, cheerful train set. Simply cheap.", bullets=["Cheap fun for all"])
    out = apply_rules(d, BrandRules(banned_words=["cheap"]), "generic")
    assert out.description == "A cheerful train set."
    assert out.bullets == ["Fun for all"]
    assert out.violations == []


def test_required_phrase_is_added_once() -> None:
    rules = BrandRules(required_phrases=["Designed in Bristol"])
    out = apply_rules(draft(), rules, "generic")
    assert out.description.endswith("Designed in Bristol.")
    assert apply_rules(out, rules, "generic").description == out.description
    assert check_rules(draft(), rules, "generic") == ["The brand's required phrase is missing: 'Designed in Bristol'"]


def test_emoji_are_stripped_unless_allowed() -> None:
    d = draft(title="Train Set 🚂", description="Choo choo 🎄✨ for the family.")
    out = apply_rules(d, PLAIN, "generic")
    assert out.title == "Train Set" and out.description == "Choo choo for the family."
    allowed = apply_rules(d, BrandRules(emoji="allow"), "generic")
    assert "🚂" in allowed.title
    assert "🚂" not in apply_rules(d, BrandRules(emoji="allow"), "amazon").title  # Amazon never allows them


def test_capitalisation_rules() -> None:
    d = draft(title="hornby santa's express train set with USB power")
    assert apply_rules(d, BrandRules(capitalisation="title"), "generic").title == (
        "Hornby Santa's Express Train Set with USB Power"
    )
    d = draft(title="Hornby Santa's Express Train Set With USB Power")
    out = apply_rules(d, BrandRules(capitalisation="sentence"), "generic", keep_case=["Santa's"])
    assert out.title == "Hornby Santa's express train set with USB power"
    assert check_rules(draft(title="hornby train set"), BrandRules(capitalisation="title"), "generic")


def test_shopify_meta_description_is_made_and_kept_within_160() -> None:
    long = " ".join(f"Sentence number {n} about the train set." for n in range(1, 12))
    out = apply_rules(draft(description=long), PLAIN, "shopify")
    assert out.meta_description and len(out.meta_description) <= 160
    assert out.meta_description.endswith(".") and long.startswith(out.meta_description)
    assert out.violations == []
    assert "shopify needs a meta description" in " ".join(check_rules(draft(), PLAIN, "shopify"))


def test_unrepairable_empty_title_is_reported() -> None:
    out = apply_rules(draft(title=""), PLAIN, "amazon")
    assert out.violations == ["The title is empty."]


def test_text_helpers() -> None:
    assert cut_at_word("one two three four", 13) == "one two three"
    assert cut_at_word("Train set with and", 17) == "Train set"
    assert cut_at_sentence("One. Two three four.", 10) == "One."
    assert remove_phrases("Fun, cheap, bright.", ["cheap"]) == "Fun, bright."
    assert title_case("a set of USB cables") == "A Set of USB Cables"
    assert sentence_case("Set Of USB Cables") == "Set of USB cables"


def test_every_repair_is_recorded_in_words() -> None:
    from copydesk.domain import BrandRules, Draft

    rules = BrandRules(banned_words=["stunning"], title_max_length=40, bullet_count=2)
    draft = Draft(sku="S1", title="A stunning and cheerful toy train set for the whole family to enjoy",
                  bullets=["One.", "Two.", "Three."], description="A stunning toy. It runs on batteries.")
    repaired = apply_rules(draft, rules, "amazon")
    assert "removed banned word 'stunning' from the title" in repaired.repairs
    assert "removed banned word 'stunning' from the description" in repaired.repairs
    assert "title cut to 40 characters" in repaired.repairs
    assert "dropped 1 bullet(s) over the limit of 2" in repaired.repairs
    assert len(repaired.title) <= 40 and "stunning" not in repaired.description.lower()


def test_a_clean_draft_records_no_repairs() -> None:
    from copydesk.domain import BrandRules, Draft

    draft = Draft(sku="S1", title="Wooden toy train", bullets=["Made of beech."], description="A wooden train.")
    assert apply_rules(draft, BrandRules(), "generic").repairs == []


def test_a_required_fragment_is_never_appended_as_a_sentence_of_its_own() -> None:
    from copydesk.domain import BrandRules, Draft

    rules = BrandRules(required_phrases=["Suitable for", "Made with love in Wales."])
    draft = Draft(sku="S1", title="Wooden train", bullets=["Made of beech."], description="A wooden train.")
    repaired = apply_rules(draft, rules, "generic")
    assert repaired.description == "A wooden train. Made with love in Wales."
    assert repaired.repairs == ["added the brand's required phrase 'Made with love in Wales.' to the description"]
    assert "The brand's required phrase is missing: 'Suitable for'" in repaired.violations

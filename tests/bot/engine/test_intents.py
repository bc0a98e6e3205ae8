"""Free text -> intents: what each kind of request is understood as."""

from __future__ import annotations

import pytest

from bot.engine.intents import parse, split_image_request

BRANDS = ["acme", "northwind", "pebble"]


@pytest.mark.parametrize(("text", "has_draft", "kind", "reference"), [
    ("<@UBOT> draft SKU-123", False, "draft", "SKU-123"),
    ("write copy for the blue kettle", False, "draft", "the blue kettle"),
    ("draft sku 4006381333931", True, "draft", "4006381333931"),
    ("B07XYZ1", True, "draft", "B07XYZ1"),
    ("the blue kettle", False, "draft", "the blue kettle"),
    ("shorter", True, "refine", None),
    ("make it warmer", True, "refine", None),
    ("help", True, "help", None),
    ("brands", False, "brands", None),
    ("approve", True, "approve", None),
    ("facts for B07X1", False, "facts", "B07X1"),
    ("pick 12345", True, "pick", "12345"),
    ("", False, "empty", None),
])
def test_kinds(text, has_draft, kind, reference):
    intent = parse(text, has_draft=has_draft, brands=BRANDS)
    assert intent.kind == kind
    assert intent.reference == reference


@pytest.mark.parametrize(("text", "instruction"), [
    ("another one", "another variant"), ("give me a variant", "another variant"), ("a new version", "another variant"),
    ("Can I see another one?", "another variant"), ("one more", "another variant"),
    ("try again", "regenerate"), ("regenerate please", "regenerate"), ("<@UBOT> try it again!", "regenerate"),
])
def test_asking_again_is_a_variant(text, instruction):
    intent = parse(text, has_draft=True, brands=BRANDS)
    assert (intent.kind, intent.instruction) == ("variant", instruction)
    assert parse("another one for amazon", has_draft=True).kind == "refine"  # a change as well: refine reads both
    assert parse("a new draft of B07X", has_draft=True).kind == "draft"


def test_brand_and_channel_are_read_and_removed_from_the_reference():
    intent = parse("draft 4006381333931 for Amazon in the pebble voice", has_draft=False, brands=BRANDS)
    assert (intent.kind, intent.reference, intent.channel, intent.brand) == ("draft", "4006381333931", "amazon",
                                                                            "pebble")


def test_switching_voice_in_a_thread_refines_with_the_new_brand():
    intent = parse("use the Acme voice", has_draft=True, brands=BRANDS)
    assert (intent.kind, intent.brand, intent.instruction) == ("refine", "acme", "use the Acme voice")
    assert parse("for Amazon", has_draft=False, brands=BRANDS).kind == "settings"


def test_unknown_brand_words_are_not_taken_for_a_brand():
    intent = parse("use the friendly voice", has_draft=True, brands=BRANDS)
    assert intent.brand is None and intent.kind == "refine"


def test_variants_and_export_formats():
    assert parse("draft 3 variants of ABC-1", has_draft=False).variants == 3
    assert parse("export shopify", has_draft=True).export_format == "shopify"
    assert parse("export", has_draft=True).export_format == "csv"


def test_edit_keeps_the_final_text():
    intent = parse("edit: Acme Kettle 1.7 l, stainless steel", has_draft=True)
    assert (intent.kind, intent.instruction) == ("edit", "Acme Kettle 1.7 l, stainless steel")


@pytest.mark.parametrize(("rest", "reference", "scene"), [
    ("SKU 123 on a marble kitchen counter, morning light", "123", "on a marble kitchen counter, morning light"),
    ("the LEGO fire truck", "the LEGO fire truck", ""),
    ("on a wooden desk", None, "on a wooden desk"),
    ("it in a kitchen", None, "in a kitchen"),
])
def test_image_requests_split_into_product_and_scene(rest, reference, scene):
    assert split_image_request(rest) == (reference, scene)
    intent = parse(f"image of {rest}", has_draft=True)
    assert intent.kind == "image" and intent.reference == reference


def test_check_takes_the_pasted_copy_and_an_optional_product() -> None:
    in_thread = parse("check: Soft plush fox. Glows in the dark!", has_draft=True)
    assert (in_thread.kind, in_thread.reference) == ("check", None)
    assert in_thread.instruction == "Soft plush fox. Glows in the dark!"
    named = parse("<@U123> check SKU B07XYZ: Line one.\nLine two: with a colon.", has_draft=False)
    assert (named.kind, named.reference, named.instruction) == ("check", "B07XYZ", "Line one.\nLine two: with a colon.")
    assert parse("check the facts for B07XYZ", has_draft=False).kind != "check"


def test_bulk_cancel_and_approve_all():
    intent = parse("bulk category Model Trains for amazon with polish", has_draft=False, brands=BRANDS)
    assert (intent.kind, intent.reference, intent.selection, intent.channel, intent.polish) == (
        "bulk", "Model Trains", "category", "amazon", True)
    intent = parse("bulk wooden toys in the acme voice", has_draft=True, brands=BRANDS)
    assert (intent.kind, intent.reference, intent.selection, intent.brand) == ("bulk", "wooden toys", None, "acme")
    assert parse("bulk", has_draft=False).reference is None  # the products come in an attached CSV
    assert [parse(t, has_draft=True).kind for t in ("cancel", "stop the bulk job", "Cancel!")] == ["cancel"] * 3
    assert [parse(t, has_draft=True).kind for t in ("approve all", "approve all clean drafts")] == ["approve_all"] * 2
    assert parse("approve", has_draft=True).kind == "approve"
    assert parse("export amazon", has_draft=True).export_format == "amazon"

"""Block Kit rendering within Slack's limits, and the terminal renderer."""

from __future__ import annotations

from bot.slack.blocks import BLOCKS_PER_MESSAGE, SECTION_LIMIT, SlackMessage, SlackUpload, render
from bot.engine.replies import ACTION_APPROVE, ChoiceReply, DraftReply, ErrorReply, ImageReply, InfoReply
from bot.engine.text import render_text, split_text
from copydesk.domain import Claim, Draft, Product, ProductMatch
from retrieval.facts import facts_for

PRODUCT = Product(sku="SKU-1", title="Acme Kettle", brand="Acme", attributes={"Capacity": "1.7 l", "Colour": "Black"})


def _draft(**changes) -> Draft:
    values = dict(draft_id="d-abc123", version=2, sku="SKU-1", brand="acme", title="Acme Kettle 1.7 l",
                  bullets=["Holds 1.7 l", "Black"], description="A black kettle.", facts_used=["F1", "F3"],
                  dropped_claims=[Claim(text="boils in 30 seconds", kind="number", supported=False,
                                        reason="no fact says 30")])
    values.update(changes)
    return Draft(**values)


def _texts(blocks) -> str:
    return str(blocks)


def test_draft_blocks_show_facts_dropped_claims_and_buttons():
    [message] = render(DraftReply(_draft(), PRODUCT, facts_for(PRODUCT), heading="Draft d-abc123 v2"))
    assert isinstance(message, SlackMessage)
    text = _texts(message.blocks)
    assert "Facts used" in text and "SKU-1" in text and "F3 Capacity: 1.7 l" in text
    assert "boils in 30 seconds" in text
    actions = [b for b in message.blocks if b["type"] == "actions"][0]["elements"]
    assert [a["text"]["text"] for a in actions] == ["Regenerate", "Shorter", "Another variant", "Approve", "Image"]
    assert {a["value"] for a in actions} == {"d-abc123:2"}
    assert any(a["action_id"] == ACTION_APPROVE for a in actions)
    assert message.draft_ref == ("d-abc123", 2)


def test_long_text_is_split_within_section_and_block_limits():
    long_description = " ".join(f"Sentence number {i} about the kettle." for i in range(6000))
    messages = render(DraftReply(_draft(description=long_description), PRODUCT, facts_for(PRODUCT)))
    assert len(messages) >= 2
    for message in messages:
        assert len(message.blocks) <= BLOCKS_PER_MESSAGE
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= SECTION_LIMIT
    everything = " ".join(b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section")
    assert "Sentence number 5999" in everything and "Sentence number 0 " in everything
    assert [b["type"] for b in messages[-1].blocks][-1] == "actions"


def test_split_text_cuts_at_boundaries_and_loses_nothing():
    text = "First paragraph.\n\n" + "word " * 1000
    pieces = split_text(text, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_choice_gets_one_pick_button_per_candidate():
    other = Product(sku="SKU-2", title="Acme Kettle Mini")
    reply = ChoiceReply("Which one?", [ProductMatch(product=PRODUCT, score=0.9, matched_on="title"),
                                      ProductMatch(product=other, score=0.8, matched_on="title")])
    [message] = render(reply)
    buttons = message.blocks[-1]["elements"]
    assert [b["value"] for b in buttons] == ["SKU-1", "SKU-2"]
    assert len({b["action_id"] for b in buttons}) == 2


def test_image_is_an_upload_with_prompt_and_seed_then_buttons():
    reply = ImageReply(png=b"\x89PNG...", filename="SKU-1-7.png", alt_text="Acme Kettle, on a desk", prompt="a kettle",
                       negative_prompt="blurry", seed=7, steps=2, width=64, height=64, sku="SKU-1", mode="text2img")
    upload, follow = render(reply)
    assert isinstance(upload, SlackUpload)
    assert "seed 7" in upload.initial_comment and "a kettle" in upload.initial_comment
    assert upload.alt_text == "Acme Kettle, on a desk"
    assert [b["text"]["text"] for b in follow.blocks[-1]["elements"]] == ["Another", "Variation", "Approve"]


def test_errors_carry_their_reference_everywhere():
    reply = ErrorReply(message="No image model is configured.", hint="Set COPYDESK_IMAGE_MODEL.", ref="ref-abc123")
    [message] = render(reply)
    assert "ref-abc123" in str(message.blocks) and "ref-abc123" in message.text
    assert "ref-abc123" in render_text(reply)


def test_terminal_text_shows_the_same_draft():
    text = render_text(DraftReply(_draft(), PRODUCT, facts_for(PRODUCT)))
    assert "Acme Kettle 1.7 l" in text and "F3 Capacity: 1.7 l" in text and "boils in 30 seconds" in text
    assert render_text(InfoReply("*bold* help", title="Help")) == "== Help\nbold help"

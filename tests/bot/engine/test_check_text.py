""""check:" in the terminal chat: the same verdicts as Slack, as text (bot/engine/text.py)."""

from __future__ import annotations

from bot.engine.replies import CheckReply
from bot.engine.text import render_text
from chains.grounding import check_copy
from copydesk.domain import Product
from retrieval.facts import facts_for

FOX = Product(sku="fox1", title="Cuddle Pals Plush Fox", brand="Cuddle Pals", attributes={"Colour": "Orange"})


def test_each_sentence_with_its_verdict_and_the_fact_or_the_reason() -> None:
    text = render_text(CheckReply(check_copy(FOX, facts_for(FOX), "An orange fox to cuddle. Comes in blue.")))
    lines = text.splitlines()
    assert lines[0].startswith("Check of fox1") and "1 of 2 sentences have unsupported claims" in lines[0]
    assert "✓ [copy] An orange fox to cuddle." in lines
    assert any(line.strip().startswith("✓ orange (colour): F3 Colour: Orange") for line in lines)
    assert "✗ [copy] Comes in blue." in lines
    assert any(line.strip().startswith("✗ blue (colour):") and "no colour 'blue'" in line for line in lines)

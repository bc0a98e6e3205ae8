"""The image prompt chain: template prompts, the brand's visual rules, and when a model's prompt is used."""

from __future__ import annotations

import pytest

from chains.images.prompt import MAX_PROMPT_WORDS, build_image_prompt
from copydesk.domain import Product, VisualRules
from copydesk.errors import UnsupportedRequestError
from generators.text.base import Generation
from retrieval.facts import facts_for

# An Icecat row as the catalog holds it.
MOUSE = Product(sku="1449722", title="Logitech M185 mouse Ambidextrous RF Wireless Optical 1000 DPI", brand="Logitech",
                attributes={"Colour": "Grey", "Connectivity": "RF Wireless", "Movement resolution": "1000 DPI"})
VISUAL = VisualRules(palette=["sage green", "warm white"], backgrounds=["a light oak desk"],
                     lighting="soft morning window light", banned_elements=["people", "hands"],
                     negative_prompt="harsh shadows, neon")


class ScriptedModel:
    """A TextGenerator that answers with fixed text and records what it was asked."""

    name = "scripted"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: list[dict] = []

    def generate(self, messages, **options):
        self.calls.append({"messages": list(messages), **options})
        return [Generation(text=self.answer, tokens=20, mean_logprob=-1.0, finish_reason="stop")]

    def score(self, messages, completion):  # pragma: no cover - not used here
        return 0.0


def build(scene: str = "on a wooden desk", generator=None, visual: VisualRules = VISUAL):
    return build_image_prompt(MOUSE, facts_for(MOUSE), visual, scene, generator, seed=3)


def test_the_template_prompt_names_the_product_the_scene_and_the_brand_style():
    prompt = build()
    assert prompt.origin == "template" and prompt.rejected == "no language model was given"
    for piece in ("Logitech M185 mouse", "Grey", "on a wooden desk", "soft morning window light", "sage green, warm white"):
        assert piece in prompt.prompt
    assert "{" not in prompt.prompt and ", ," not in prompt.prompt


def test_the_negative_prompt_holds_the_brand_negative_and_banned_elements():
    negative = build().negative_prompt
    assert negative.startswith("harsh shadows, neon, people, hands")
    assert "blurry" in negative


def test_without_a_scene_the_brand_background_is_used_and_without_rules_a_studio_backdrop():
    assert "a light oak desk" in build(scene="").prompt
    plain = build(scene="", visual=VisualRules())
    assert "studio backdrop" in plain.prompt and "palette" not in plain.prompt


def test_a_scene_asking_for_a_banned_element_is_refused():
    with pytest.raises(UnsupportedRequestError, match="people"):
        build(scene="held by happy people in a park")
    with pytest.raises(UnsupportedRequestError, match="hands"):
        build(scene="in a hand")  # compared by stem: hand == hands


def test_a_usable_model_prompt_is_used_and_the_model_is_constrained_to_the_facts_numbers():
    model = ScriptedModel('Prompt: "grey Logitech M185 wireless mouse on a wooden desk, soft morning light"\nextra')
    prompt = build(generator=model)
    assert prompt.origin == "model" and prompt.rejected is None
    assert prompt.prompt == "grey Logitech M185 wireless mouse on a wooden desk, soft morning light"
    call = model.calls[0]
    assert call["seed"] == 3 and {"185", "1000"} <= set(call["allowed_numbers"])
    assert "F1. Product: Logitech M185" in call["messages"][1].content
    assert "people, hands" in call["messages"][0].content


@pytest.mark.parametrize(
    "answer, reason",
    [
        ("", "empty"),
        ("grey Logitech mouse " + "very " * MAX_PROMPT_WORDS, "too long"),
        ("grey Logitech mouse held in two hands on a desk", "banned"),
        ("grey Logitech M185 mouse with 5000 DPI on a desk", "numbers"),
        ("bright red Logitech mouse on a desk", "colours"),
        ("a beautiful sunset over the sea, golden hour", "colours|does not name"),
        ("a cosy scene on a wooden desk, morning light", "does not name the product"),
        ("The Logitech M185 mouse is a product we love, on a wooden desk", "prose"),
        ("grey Logitech M185 mouse, studio backdrop, soft light", "leaves out the requested scene"),
    ],
)
def test_an_unusable_model_prompt_falls_back_to_the_template_and_says_why(answer, reason):
    prompt = build(generator=ScriptedModel(answer))
    assert prompt.origin == "template"
    assert prompt.rejected is not None and any(r in prompt.rejected for r in reason.split("|"))
    assert "Logitech M185 mouse" in prompt.prompt

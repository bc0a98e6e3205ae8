"""The fluency gate in the copy chain: it sees the model's candidates and nothing else (realized text is never
scored), and a grounded candidate with a repeated fragment does not reach the draft."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import chains.drafting.steps as steps
from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from generators.text.base import ChatMessage, Generation
from generators.text.fluency import FluencyGate, RepeatFinder
from tests.chains.drafting.fixtures import XEROX_SKU, shared_env

GREAT = " A great choice."


@pytest.fixture(scope="module")
def env(shared_data: Path, tiny_lm_dir: Path):
    return shared_env(shared_data, tiny_lm_dir)


class Stutter:
    """Per step: the text it was asked about with its first word said twice (grounded word by word, garbled),
    and the same text with a fluent, fact-free ending."""

    name = "stutter"

    def __init__(self) -> None:
        self.written: list[str] = []

    def generate(self, messages: Sequence[ChatMessage], *, n: int = 1, max_new_tokens: int = 96,
                 temperature: float = 0.8, top_p: float = 0.95, seed: int | None = None, stop: Sequence[str] = (),
                 allowed_numbers=None, on_text=None) -> list[Generation]:
        prompt = messages[-1].content
        current = re.search(r"^Current \w+:\n(.+?)\n\nRewrite", prompt, flags=re.M | re.S)
        base = current.group(1).strip() if current else "Xerox 006R90321 Original Black toner cartridge"
        first = base.split()[0]
        texts = ([f"{first} {base}", base.rstrip(".") + "." + GREAT] * n)[:n]
        self.written += texts
        return [Generation(text=t, tokens=len(t.split()), mean_logprob=-1.0, finish_reason="stop") for t in texts]

    def score(self, messages, completion) -> float:
        return 0.0 if GREAT.strip() in completion else -1.0


def test_the_gate_sees_only_model_text_and_rejects_a_repeat(env, tiny_lm_dir: Path, monkeypatch) -> None:
    from transformers import AutoTokenizer

    seen: list[str] = []

    class Spy(FluencyGate):
        def problems(self, texts: Sequence[str]) -> list[str | None]:
            seen.extend(texts)
            return super().problems(texts)

    finder = RepeatFinder(AutoTokenizer.from_pretrained(tiny_lm_dir))
    monkeypatch.setattr(steps, "fluency_gate", lambda generator, settings: Spy(finder, None, None))
    settings, catalog = env
    generator = Stutter()
    chain = CopyChain(catalog, generator, DraftStore(settings.db_path), settings)
    result = chain.draft(chain.catalog.product(XEROX_SKU))

    assert seen and set(seen) <= set(generator.written)  # the template's own text never reaches the gate
    stuttered = {t for t in generator.written if not t.endswith(GREAT)}
    parts = [result.draft.title, *result.draft.bullets, result.draft.description]
    assert not any(s in part for s in stuttered for part in parts)
    assert any(GREAT.strip() in part for part in parts)  # the fluent candidate got through


def test_field_sense_rejects_model_text_the_gate_lets_through() -> None:
    from chains.drafting.steps import Candidate, fluent

    class PassAll(FluencyGate):
        def __init__(self) -> None:
            pass

        def problems(self, texts: Sequence[str]) -> list[str | None]:
            return [None] * len(texts)

    kept = fluent(PassAll(), [Candidate("Minimum price: 40 g.", [], -1.0),
                              Candidate("A sturdy mug that keeps tea warm.", [], -1.0)])
    assert [c.text for c in kept] == ["A sturdy mug that keeps tea warm."]


def test_text_that_echoes_the_request_is_no_copy() -> None:
    """The polish's request (prompts/refine.txt) labels the facts and the current text; a candidate that copies
    those labels, or labels itself as the answer, is rejected even when every word is grounded."""
    from chains.drafting import request_echo
    from chains.drafting.steps import Candidate, fluent

    class PassAll(FluencyGate):
        def __init__(self) -> None:
            pass

        def problems(self, texts: Sequence[str]) -> list[str | None]:
            return [None] * len(texts)

    echoes = ["Product facts: - Weight: 200 g - Dimensions: 15.2 x 7.6 x 7.6 cm",
              "Current description: The figure is made for 12 years and up.",
              "Rewritten description: Meet the Xerox Drum Cartridge C-2128.",
              "**Description:** A soft plush toy.",
              'Rewrite the description: "It weighs just 118 grams."',
              "The product facts about the Gremlins Gizmo figure."]
    copy = ["SIZE AND WEIGHT: The figure weighs 200 g.", "A sturdy mug that keeps tea warm.",
            "Product description: Hevy in Training Armour Figure, no batteries, no accessories",  # a catalog label
            "A factsheet of current products comes with the description of each bullet point."]
    kept = fluent(PassAll(), [Candidate(t, [], -1.0) for t in echoes + copy], "description")
    assert [c.text for c in kept] == copy
    assert request_echo.problem("Current bullet: A soft toy.", "bullet") == "echoes the request (“current bullet:”)"
    # the request's "Current {field}:" with other words in the field's place is the same echo
    assert request_echo.problem("Current product description: A soft toy.", "title") is not None
    assert request_echo.problem("Current prices are low: buy now.", "title") is None
    assert request_echo.problem("Rewrite the bullet: A soft toy.", "title") is None  # another part's request
    assert request_echo.problem("Rewrite the bullet: A soft toy.") is not None     # any part


class Reheader(Stutter):
    """Per step: the text it was asked about, improved, once under a header of its own invention and once under
    the realized header (or none where it had none)."""

    def generate(self, messages: Sequence[ChatMessage], *, n: int = 1, **_: object) -> list[Generation]:
        current = re.search(r"^Current \w+:\n(.+?)\n\nRewrite", messages[-1].content, flags=re.M | re.S)
        base = current.group(1).strip() if current else "Xerox 006R90321 Original Black toner cartridge"
        sentence = base.split(": ", 1)[-1].rstrip(".") + "." + GREAT
        texts = ([f"WHEN IT COULD BE: {sentence}", base.rstrip(".") + "." + GREAT] * n)[:n]
        self.written += texts
        return [Generation(text=t, tokens=len(t.split()), mean_logprob=-1.0, finish_reason="stop") for t in texts]


def test_the_polish_keeps_the_realized_header(env, monkeypatch) -> None:
    """Headers are the voice's; a small model invents ones that make no sense ("WHEN IT COULD BE: It is made for
    ages 12 and up."). A rewrite under another header is not taken, the same rewrite under the realized one is."""
    from chains.drafting import keeps_header, split_header, under_realized_header

    assert split_header("SIZE AND WEIGHT: It weighs 200 g.") == ("SIZE AND WEIGHT", "It weighs 200 g.")
    assert split_header("Size and weight – It weighs 200 g.") == ("Size and weight", "It weighs 200 g.")
    assert split_header("It weighs 200 g.") == (None, "It weighs 200 g.")
    assert keeps_header("Size and Weight: It is light.", "SIZE AND WEIGHT: It weighs 200 g.")
    assert not keeps_header("WHEN IT COULD BE: It is made for ages 12 and up.", "WHAT IT IS: A toy for ages 12 up.")
    assert not keeps_header("Premise: The HP module runs at 667 MHz.", "The HP module runs at 667 MHz.")
    assert not keeps_header("It weighs 200 g.", "SIZE AND WEIGHT: It weighs 200 g.")
    # a rewrite that dropped the header is put under it (the bullets keep one style); one with its own is not used
    assert under_realized_header("It is light.", "SIZE AND WEIGHT: It weighs 200 g.") == "SIZE AND WEIGHT: It is light."
    assert under_realized_header("It is light.", "Size and weight – It weighs 200 g.") == "Size and weight – It is light."
    assert under_realized_header("Size and Weight: It is light.", "SIZE AND WEIGHT: It weighs 2 g.") == (
        "Size and Weight: It is light.")
    assert under_realized_header("Premise: It is light.", "It weighs 200 g.") is None
    assert under_realized_header("WHEN IT COULD BE: For ages 12 up.", "WHAT IT IS: A toy for ages 12 up.") is None

    monkeypatch.setattr(steps, "fluency_gate", lambda generator, settings: None)
    settings, catalog = env
    generator = Reheader()
    chain = CopyChain(catalog, generator, DraftStore(settings.db_path), settings)
    result = chain.draft(chain.catalog.product(XEROX_SKU))
    assert any(t.startswith("WHEN IT COULD BE") for t in generator.written)
    parts = [*result.draft.bullets, result.draft.description]
    assert not any("WHEN IT COULD BE" in part for part in parts)
    assert any(GREAT.strip() in part for part in parts)  # the rewrite under the realized header got through

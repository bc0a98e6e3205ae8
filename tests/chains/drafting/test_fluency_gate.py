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
              "**Description:** A soft plush toy."]
    copy = ["SIZE AND WEIGHT: The figure weighs 200 g.", "A sturdy mug that keeps tea warm.",
            "Product description: Hevy in Training Armour Figure, no batteries, no accessories"]  # a catalog label
    kept = fluent(PassAll(), [Candidate(t, [], -1.0) for t in echoes + copy], "description")
    assert [c.text for c in kept] == copy
    assert request_echo.problem("Current bullet: A soft toy.", "bullet") == "echoes the request (“current bullet:”)"
    assert request_echo.problem("Current bullet: A soft toy.", "title") is None  # only the part asked for
    assert request_echo.problem("Current bullet: A soft toy.") is not None       # any part

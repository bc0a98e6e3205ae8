"""CopyChain.draft on a small real catalog: template only, a scripted model, the tiny random model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from chains.rules import check_rules
from chains.grounding.verifier import GroundingVerifier
from copydesk.domain import Draft, Product
from copydesk.errors import AmbiguousError, InputError, NotFoundError
from generators.text.base import ChatMessage, Generation
from generators.text.number_trie import numbers_in
from retrieval.facts import facts_for
from tests.chains.drafting.fixtures import STARTECH_SKU, XEROX_SKU, shared_env

TIMING_KEYS = {"retrieve", "generate", "verify", "rank", "total"}


@pytest.fixture(scope="module")
def env(shared_data: Path, tiny_lm_dir: Path):
    return shared_env(shared_data, tiny_lm_dir)


def chain_with(env, generator) -> CopyChain:
    settings, catalog = env
    return CopyChain(catalog, generator, DraftStore(settings.db_path), settings)


def assert_all_supported(draft: Draft, product: Product) -> None:
    verifier = GroundingVerifier(product, facts_for(product))
    parts = [("title", draft.title), *(("bullet", b) for b in draft.bullets), ("description", draft.description)]
    unsupported = [c for field, text in parts for c in verifier.claims(text, field) if not c.supported]
    assert not unsupported, unsupported


def assert_complete(draft: Draft) -> None:
    assert re.fullmatch(r"d-[0-9a-f]{6}", draft.draft_id or "") and draft.version == 1
    assert draft.title.strip() and draft.bullets and draft.description.strip()
    assert draft.facts_used
    assert TIMING_KEYS <= draft.timings.keys()


class ScriptedGenerator:
    """A stand-in model: per step, one grounded answer and one with planted hallucinations."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.streamed: list[tuple[int, str]] = []

    def generate(self, messages: Sequence[ChatMessage], *, n: int = 1, max_new_tokens: int = 96,
                 temperature: float = 0.8, top_p: float = 0.95, seed: int | None = None, stop: Sequence[str] = (),
                 allowed_numbers=None, on_text=None) -> list[Generation]:
        prompt = messages[-1].content
        self.calls.append({"prompt": prompt, "n": n, "allowed": set(allowed_numbers), "seed": seed})
        lines = re.findall(r"^- (.+?): (.+)$", prompt, flags=re.M)
        current = re.search(r"^Current \w+:\n(.+?)\n\nRewrite", prompt, flags=re.M | re.S)
        if current:  # a polish of a realized part: one grounded rewording, one with planted claims
            texts = [current.group(1).strip() + " A great choice.", "Waterproof titanium shell with a lifetime guarantee."]
        elif "product title" in prompt:
            texts = ["Title: Xerox 006R90321 Original Black toner cartridge", "Xerox SuperToner 9000 with free printer"]
        elif "bullet point" in prompt:
            texts = [f"- The {lines[0][0].lower()} is {lines[0][1]}.", "Waterproof titanium shell with a lifetime guarantee."]
        else:
            texts = ["Xerox toner for the CopyCentre C65. It is made of recycled titanium and lasts 10 years.",
                     "The best toner in the world, 100% guaranteed."]
        texts = (texts * n)[:n]
        if on_text is not None:
            for i, text in enumerate(texts):
                on_text(i, text)
                self.streamed.append((i, text))
        return [Generation(text=t, tokens=len(t.split()), mean_logprob=-1.0 - i, finish_reason="stop")
                for i, t in enumerate(texts)]

    def score(self, messages, completion) -> float:
        return 0.0 if "great choice" in completion else -1.0  # the scripted rewording ranks higher


def test_template_only_draft_is_complete_supported_and_stored(env) -> None:
    chain = chain_with(env, None)
    result = chain.draft(chain.catalog.product(XEROX_SKU), user="U1", channel_id="C1")
    assert_complete(result.draft)
    assert result.draft.origin == "template"
    assert any("template" in note for note in result.notes)
    assert_all_supported(result.draft, result.product)
    assert chain.store.get(result.draft.draft_id).title == result.draft.title
    assert chain.store.requester(result.draft.draft_id) == ("U1", "C1")


def test_scripted_model_hallucinations_are_rejected_and_grounded_text_kept(env) -> None:
    generator = ScriptedGenerator()
    chain = chain_with(env, generator)
    streamed: list[str] = []
    result = chain.draft(chain.catalog.product(XEROX_SKU), channel="amazon", variants=3, on_text=streamed.append)
    assert_complete(result.draft)
    everything = [result.draft, *result.alternatives]
    for draft in everything:
        assert_all_supported(draft, result.product)
        text = " ".join([draft.title, *draft.bullets, draft.description]).lower()
        for planted in ("supertoner", "titanium", "waterproof", "10 years", "100%", "free printer"):
            assert planted not in text
    assert any(d.origin == "model" for d in everything)
    # the model polishes realized parts: its grounded rewording stands where it ranks higher
    best = result.draft
    assert "A great choice." in " ".join([*best.bullets, best.description])
    assert any(p.origin == "model" for p in result.parts) and any("parts" in n for n in result.notes)
    # one batched call per part, K candidates each, numbers limited to the part's facts
    facts_text = " ".join(f"{f.name}: {f.value}" for f in result.facts)
    assert len(generator.calls) == len(result.parts) >= 3
    for call in generator.calls:
        assert call["n"] == 2
        # "23,000" is the fact's 23000, as the realized part writes it
        assert {n.replace(",", "") for n in call["allowed"]} <= {n.replace(",", "") for n in numbers_in(facts_text)}
    assert streamed  # the polished description reached on_text
    assert check_rules(result.draft, chain.context(result.product, brand=None, channel="amazon").rules, "amazon") == []


def test_tiny_random_model_garbage_falls_back_to_template_and_says_so(env) -> None:
    from generators.text.factory import load_text_generator

    settings, _ = env
    chain = chain_with(env, load_text_generator(settings))
    result = chain.draft(chain.catalog.product(STARTECH_SKU), brand="pebble")
    assert_complete(result.draft)
    assert_all_supported(result.draft, result.product)
    assert result.parts and all(p.generated == settings.candidates for p in result.parts)
    assert all(p.origin == "template" and p.passed == 0 for p in result.parts)
    assert result.draft.origin == "template"
    assert sum("from the template" in note for note in result.notes) == len(result.parts)
    assert result.draft.brand == "pebble"
    assert result.draft.timings["generate"] > 0


def test_unknown_and_ambiguous_references(env) -> None:
    chain = chain_with(env, None)
    with pytest.raises(NotFoundError):
        chain.catalog.product("zz-no-such-product-9999 qqq")
    with pytest.raises(InputError, match="Say which product"):
        chain.catalog.product("   ")
    with pytest.raises(InputError, match="channel"):
        chain.draft(chain.catalog.product(XEROX_SKU), channel="ebay")
    with pytest.raises(NotFoundError, match="pebble"):
        chain.draft(chain.catalog.product(XEROX_SKU), brand="no-such-brand")


def test_ambiguous_reference_lists_candidates(env) -> None:
    chain = chain_with(env, None)
    with pytest.raises(AmbiguousError) as raised:
        chain.catalog.product("Hornby")
    assert len(raised.value.candidates) >= 2
    assert all("Hornby" in (m.product.brand or "") for m in raised.value.candidates[:2])

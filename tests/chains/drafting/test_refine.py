"""Refine: instruction parsing, new versions, and refusing facts the catalog lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from chains.drafting.refine import refine_draft, Change, facts_about, parse_instruction
from chains.rules import check_rules
from chains.drafting import word_change
from copydesk.domain import Fact
from copydesk.errors import UnsupportedRequestError
from tests.chains.drafting.fixtures import XEROX_SKU, shared_env
from tests.chains.drafting.test_chain import assert_all_supported


@pytest.fixture(scope="module")
def env(shared_data: Path, tiny_lm_dir: Path):
    return shared_env(shared_data, tiny_lm_dir)


@pytest.fixture
def chain(env) -> CopyChain:
    settings, catalog = env
    return CopyChain(catalog, None, DraftStore(settings.db_path), settings)


def _length(draft) -> int:
    return len(draft.title) + sum(map(len, draft.bullets)) + len(draft.description)


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("shorter", [Change("shorter")]),
        ("Make it more concise please", [Change("shorter")]),
        ("longer, with more detail", [Change("longer")]),
        ("more playful", [Change("tone", "more playful")]),
        ("warmer", [Change("tone", "warmer and friendlier")]),
        ("a bit more formal", [Change("tone", "more formal")]),
        ("for Amazon", [Change("channel", "amazon")]),
        ("shorter and for shopify", [Change("channel", "shopify"), Change("shorter")]),
        ("use the Pebble voice", [Change("brand", "pebble")]),
        ("mention the warranty", [Change("mention", "warranty")]),
        ("Highlight the page yield.", [Change("mention", "page yield")]),
        ("another one", [Change("variant")]),
        ("try again, but shorter", [Change("variant"), Change("shorter")]),
    ],
)
def test_parse_instruction(instruction: str, expected: list[Change]) -> None:
    assert parse_instruction(instruction) == expected


def test_parse_instruction_refuses_what_it_cannot_read() -> None:
    with pytest.raises(UnsupportedRequestError, match="shorter"):
        parse_instruction("blorp the frobnicator")


def test_facts_about_matches_names_and_values_plural_insensitively() -> None:
    facts = [Fact(id="F1", name="Warranty period", value="2 years", source_id="p"),
             Fact(id="F2", name="Colour", value="Black", source_id="p"),
             Fact(id="F3", name="Black toner page yield", value="23000", source_id="p")]
    assert [f.id for f in facts_about("warranties", facts)] == ["F1"]
    assert [f.id for f in facts_about("the page yield", facts)] == ["F3"]
    assert facts_about("battery life", facts) == []


def test_shorter_gives_a_shorter_version_two(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    result = refine_draft(chain, first.draft_id, "shorter", user="U2")
    second = result.draft
    assert (second.draft_id, second.version) == (first.draft_id, 2)
    assert _length(second) < _length(first)
    assert second.instruction == "shorter"
    assert chain.store.parent(first.draft_id, 2) == 1
    assert_all_supported(second, result.product)


def test_missing_fact_is_refused_with_what_to_do(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    with pytest.raises(UnsupportedRequestError) as raised:
        refine_draft(chain, first.draft_id, "mention the warranty")
    message = str(raised.value)
    assert "no fact about 'warranty'" in message and "re-ingest" in message
    assert [d.version for d in chain.store.versions(first.draft_id)] == [1]  # nothing stored


def test_mention_an_existing_fact_puts_it_first(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    second = refine_draft(chain, first.draft_id, "mention the page yield").draft
    assert "23,000" in second.bullets[0]  # thousands separated, as copy writes them
    assert second.version == 2


def test_another_one_is_the_next_version_on_a_new_seed_and_reads_differently(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    result = refine_draft(chain, first.draft_id, "another one")
    second = result.draft
    assert (second.draft_id, second.version, second.instruction) == (first.draft_id, 2, "another one")
    assert second.seed != first.seed and word_change(second, first) >= 0.05
    assert_all_supported(second, result.product)
    shorter = refine_draft(chain, first.draft_id, "try again, but shorter").draft  # a new seed, then shorter
    versions = chain.store.versions(first.draft_id)
    assert [v.version for v in versions] == [1, 2, 3, 4] and shorter.version == 4
    assert versions[2].seed not in {first.seed, second.seed} and _length(shorter) < _length(versions[2])


def test_channel_switch_applies_that_channels_rules(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU), channel="generic").draft
    result = refine_draft(chain, first.draft_id, "for Amazon")
    assert result.draft.channel == "amazon"
    rules = chain.context(result.product, brand=None, channel="amazon").rules
    assert check_rules(result.draft, rules, "amazon") == []


def test_a_version_lists_its_own_repairs_not_its_parents(chain: CopyChain) -> None:
    """A Shopify version of an Amazon draft said "removed ! ... (amazon does not allow them)": its parent's repair."""
    first = chain.draft(chain.catalog.product(XEROX_SKU), channel="amazon").draft
    stored = chain.store.get(first.draft_id, first.version)
    chain.store.save(stored.model_copy(update={"repairs": ["removed ! from the description (amazon does not allow them)"]}),
                     parent=(first.draft_id, first.version))
    result = refine_draft(chain, first.draft_id, "for Shopify")
    assert result.draft.channel == "shopify"
    assert not any("amazon" in repair for repair in result.draft.repairs)


def test_brand_switch_drafts_again_in_that_voice(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    second = refine_draft(chain, first.draft_id, "use the pebble voice").draft
    assert (second.brand, second.version) == ("pebble", 2)


def test_tone_without_a_model_is_realized_in_the_new_voice(chain: CopyChain) -> None:
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    for instruction in ("more playful", "more technical", "warmer"):
        refined = refine_draft(chain, first.draft_id, instruction)
        assert refined.draft.version > first.version
        assert refined.draft.bullets != first.bullets  # a visibly different version
        assert any("voice" in note for note in refined.notes)
    with pytest.raises(UnsupportedRequestError, match="text model"):
        refine_draft(chain, first.draft_id, "more exciting")


def test_tone_with_the_tiny_model_is_verified_and_honest(env) -> None:
    from generators.text.factory import load_text_generator

    settings, catalog = env
    chain = CopyChain(catalog, load_text_generator(settings), DraftStore(settings.db_path), settings)
    first = chain.draft(chain.catalog.product(XEROX_SKU)).draft
    result = refine_draft(chain, first.draft_id, "more playful")
    assert result.draft.version == 2
    assert_all_supported(result.draft, result.product)
    assert any("playful" in note for note in result.notes)

"""Another version of a draft in a thread: "another one", "try again", "give me a variant", Regenerate and
Another variant each realize it again on a new seed, so the new version reads differently from the last and
from the earlier ones, is verified, keeps its seed, and can be made again from it. "warmer" and "more
technical" give a new version that differs from the last, asked once or twice, with or without the model."""

from __future__ import annotations

import pytest

from bot.engine import ConversationEngine, Press, Turn
from bot.engine.replies import ACTION_REGENERATE, ACTION_VARIANT, DraftReply
from chains.drafting import word_change
from copydesk.state.threads import BotState
from retrieval.facts import facts_for
from tests.bot.engine.test_progressive import Recorder
from tests.chains.drafting.test_chain import assert_all_supported


def _without_model(make_services):  # noqa: ANN001, ANN202
    services = make_services(polish_budget_s=0)
    services.__dict__.pop("text_generator")  # no model loaded: drafts are realized only
    return services, ConversationEngine(services, BotState(services.database))


def _draft(reply) -> DraftReply:  # noqa: ANN001
    assert isinstance(reply, DraftReply), reply
    return reply


@pytest.mark.parametrize("index", [0, 5])  # an Icecat toner and an Amazon toy
def test_each_way_of_asking_again_gives_a_new_seed_and_a_visibly_different_verified_version(make_services,
                                                                                          sample_catalog, index):
    services, engine = _without_model(make_services)
    product = sample_catalog.products[index]
    key = f"t:{index}"
    [first] = engine.handle(Turn(key, "U1", f"draft {product.sku}", "C1"))
    shown = [_draft(first).draft]
    asks = [("another one", None), ("try again", None), ("give me a variant", None),
            (None, ACTION_REGENERATE), (None, ACTION_VARIANT)]
    for text, action in asks:
        last = shown[-1]
        if text:
            [reply] = engine.handle(Turn(key, "U1", text, "C1"))
        else:
            [reply] = engine.press(Press(key, "U1", action, f"{last.draft_id}:{last.version}", "C1"))
        draft = _draft(reply).draft
        assert (draft.draft_id, draft.version) == (last.draft_id, last.version + 1)  # the same draft, its next version
        assert draft.seed is not None and draft.seed not in {d.seed for d in shown}
        assert word_change(draft, last) >= 0.05, (text or action, last, draft)  # at least 1 word in 20 changed
        assert draft.origin == "template" and draft.bullets and draft.description
        assert_all_supported(draft, product)
        shown.append(draft)
    kinds = [(f.version, f.kind) for f in services.drafts.feedback()]
    assert kinds == [(2, "regenerate"), (4, "regenerate")]  # "try again" and Regenerate turn the last one down
    for version in shown[1:]:  # the seed, voice and length a version keeps make it again
        again = services.copy_chain.compose(product, brand=version.brand, channel=version.channel, use_model=False,
                                            seed=version.seed, voice=version.voice, length=version.length).draft
        assert (again.title, again.bullets, again.description) == (version.title, version.bullets, version.description)


def test_warmer_and_more_technical_each_differ_from_the_last_even_asked_twice(make_services, sample_catalog):
    services, engine = _without_model(make_services)
    product = sample_catalog.products[6]  # an Amazon toy
    [first] = engine.handle(Turn("t:tone", "U1", f"draft {product.sku}", "C1"))
    last = _draft(first).draft
    for text in ("warmer", "warmer", "more technical", "more technical"):
        [reply] = engine.handle(Turn("t:tone", "U1", text, "C1"))
        draft = _draft(reply).draft
        assert draft.version == last.version + 1 and word_change(draft, last) > 0, (text, last, draft)
        assert draft.voice == ("warm" if text == "warmer" else "technical")
        assert_all_supported(draft, product)
        last = draft


def test_without_a_draft_asking_again_says_what_to_do(make_services):
    _, engine = _without_model(make_services)
    [reply] = engine.handle(Turn("t:none", "U1", "try again", "C1"))
    assert "no draft in this thread" in reply.text


def test_with_the_model_a_variant_is_polished_from_its_own_seed(make_services, sample_catalog):
    services = make_services(polish_budget_s=120)
    engine = ConversationEngine(services, BotState(services.database))
    product = sample_catalog.products[0]
    first_progress = Recorder()
    [first] = engine.handle(Turn("t:model", "U1", f"draft {product.sku}", "C1"), first_progress)
    first_progress.wait_final()
    current = services.drafts.get(first.draft.draft_id)
    progress = Recorder()
    [shown] = engine.handle(Turn("t:model", "U1", "another one", "C1"), progress)
    variant = shown.draft
    assert variant.version == current.version + 1 and variant.seed != current.seed
    assert word_change(variant, current) >= 0.05
    final = progress.wait_final().draft
    assert final.seed == variant.seed and final.voice == variant.voice  # the polish worked on this realization
    assert_all_supported(final, product)
    facts = {f.id for f in facts_for(product)}
    assert set(final.facts_used) <= facts


def test_with_the_model_warmer_and_more_technical_each_give_a_new_verified_version(make_services, sample_catalog):
    services = make_services(polish_budget_s=0)  # the refine itself asks the model; no background polish
    engine = ConversationEngine(services, BotState(services.database))
    product = sample_catalog.products[6]
    [first] = engine.handle(Turn("t:model-tone", "U1", f"draft {product.sku}", "C1"))
    last = _draft(first).draft
    for text in ("warmer", "warmer", "more technical"):
        [reply] = engine.handle(Turn("t:model-tone", "U1", text, "C1"))
        draft = _draft(reply).draft
        assert draft.version == last.version + 1 and word_change(draft, last) > 0, (text, last, draft)
        assert_all_supported(draft, product)
        last = draft

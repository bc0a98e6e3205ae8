"""Progressive drafts in the engine: the first draft is shown before the model runs, the polish replaces it
only when it ranks higher, Approve while polishing stops it, a loading model never delays a draft, and a
draft by SKU embeds nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bot.engine import ConversationEngine, NoProgress, Press, Turn
from bot.engine.replies import ACTION_APPROVE, DraftReply, InfoReply
from copydesk.errors import ModelError
from copydesk.state.threads import BotState


class Recorder(NoProgress):
    """The engine's Progress: keeps every draft it was shown, in order, and the final one."""

    def __init__(self) -> None:
        self.drafts: list[DraftReply] = []
        self.first_shown = threading.Event()
        self.final: DraftReply | None = None
        self.polished = threading.Event()

    def draft(self, reply: DraftReply, *, final: bool = False) -> None:
        self.drafts.append(reply)
        self.first_shown.set()
        if final:
            self.final = reply
            self.polished.set()

    def wait_final(self) -> DraftReply:
        assert self.polished.wait(120), "the polish never ended"
        assert self.final is not None
        return self.final


class HeldGenerator:
    """The tiny model, held at its first call until the test lets it go (a polish "under way"); with
    `then_fail`, released it fails at once (a test that needs the polish to end, not to finish)."""

    def __init__(self, inner: Any, *, then_fail: bool = False) -> None:
        self.inner, self.name, self.then_fail = inner, inner.name, then_fail
        self.release = threading.Event()

    def generate(self, messages, **kwargs):  # noqa: ANN001, ANN003, ANN201
        assert self.release.wait(60), "the test never released the model"
        if self.then_fail:
            raise ModelError("The test's model is gone.")
        return self.inner.generate(messages, **kwargs)

    def score(self, messages, completion):  # noqa: ANN001, ANN201
        return self.inner.score(messages, completion)


def _engine(services) -> ConversationEngine:  # noqa: ANN001
    return ConversationEngine(services, BotState(services.database))


def test_the_first_draft_is_shown_then_the_polish_takes_its_place_only_if_it_ranks_higher(make_services,
                                                                                         sample_catalog):
    services = make_services(polish_budget_s=120)
    product = sample_catalog.products[0]
    progress = Recorder()
    [shown] = _engine(services).handle(Turn("t:1", "U1", f"draft {product.sku}", "C1"), progress)
    assert progress.drafts[0] is shown and "ready to use" in shown.status  # shown before the model ran
    assert shown.draft.version == 1 and shown.draft.origin == "template" and shown.draft.bullets
    final = progress.wait_final()
    assert all(d.draft.version == 1 for d in progress.drafts[:-1])  # updates of the same first draft
    assert final.draft.draft_id == shown.draft.draft_id
    versions = services.drafts.versions(shown.draft.draft_id)
    if final.draft.version == 2:  # the polish ranked higher: stored as the next version
        assert final.status.startswith("Polished: ") and final.draft.scores.total > shown.draft.scores.total
        assert [v.version for v in versions] == [1, 2] and versions[1].instruction == "polish"
    else:
        assert final.draft == shown.draft and "nothing that ranks higher" in final.status
        assert [v.version for v in versions] == [1]


def test_approve_while_polishing_approves_what_is_shown_and_stops_the_polish(make_services, sample_catalog,
                                                                             tiny_generator):
    services = make_services(polish_budget_s=120)
    held = HeldGenerator(tiny_generator)
    services.__dict__["text_generator"] = held
    engine, progress = _engine(services), Recorder()
    [shown] = engine.handle(Turn("t:2", "U1", f"draft {sample_catalog.products[1].sku}", "C1"), progress)
    first = shown.draft  # the turn is over; the polish waits for the (held) model on the lane
    [approved] = engine.press(Press("t:2", "U2", ACTION_APPROVE, f"{first.draft_id}:1", "C1"))
    assert isinstance(approved, InfoReply) and f"Approved {first.draft_id} v1" in approved.text
    held.release.set()
    final = progress.wait_final()
    assert final.draft == first and "Approved v1 while it was polished" in final.status
    assert [v.version for v in services.drafts.versions(first.draft_id)] == [1]  # no polished version after it
    assert [(d.draft_id, d.version) for d in services.drafts.approved()] == [(first.draft_id, 1)]


def test_a_draft_asked_while_another_is_polished_does_not_wait_for_the_polish(make_services, sample_catalog,
                                                                              tiny_generator):
    services = make_services(polish_budget_s=120)
    held = HeldGenerator(tiny_generator, then_fail=True)
    services.__dict__["text_generator"] = held
    engine = _engine(services)
    engine.handle(Turn("t:6", "U1", f"draft {sample_catalog.products[0].sku}", "C1"), Recorder())
    [second] = engine.handle(Turn("t:7", "U2", f"draft {sample_catalog.products[1].sku}", "C1"), Recorder())
    assert second.draft.version == 1 and second.draft.sku == sample_catalog.products[1].sku  # the model is held
    held.release.set()
    assert engine.polishing.wait_idle(120)


def test_while_the_model_loads_a_draft_is_a_first_draft_and_does_not_wait(make_services, sample_catalog,
                                                                          tiny_generator, monkeypatch):
    import generators.text.factory as factory

    loading = threading.Event()
    monkeypatch.setattr(factory, "load_text_generator", lambda settings: loading.wait(60) and tiny_generator)
    services = make_services(polish_budget_s=120)
    services.__dict__.pop("text_generator")  # nothing loaded yet
    services.load_text_generator_in_background()
    engine, progress = _engine(services), Recorder()
    answers: list[Any] = []
    asking = threading.Thread(target=lambda: answers.extend(
        engine.handle(Turn("t:3", "U1", f"draft {sample_catalog.products[2].sku}", "C1"), progress)))
    asking.start()
    asking.join(30)  # the model is still loading (held): a request that waited for it would still be running
    assert not asking.is_alive(), "the draft waited for the model to load"
    [reply] = answers
    assert reply.draft.version == 1 and not progress.drafts  # not polished, so not shown twice
    assert any("still loading" in note for note in reply.notes)
    loading.set()
    services.model_loading.join(30)
    assert services.copy_chain.generator is tiny_generator  # loaded once, handed to the chain
    engine.handle(Turn("t:3", "U1", f"draft {sample_catalog.products[2].sku}", "C1"), progress)
    assert "ready to use" in progress.drafts[0].status and progress.wait_final().status


@pytest.mark.parametrize("which", ["sku", "ean"])
def test_a_draft_by_sku_or_ean_embeds_nothing(which, make_services, sample_catalog, shared_catalog, monkeypatch):
    product = next(p for p in sample_catalog.products if p.ean)
    embedded: list[int] = []
    real = shared_catalog.embedder

    class Counting:
        name, batch_size, dimension = real.name, real.batch_size, real.dimension

        def embed(self, texts):  # noqa: ANN001, ANN202
            embedded.append(len(texts))
            return real.embed(texts)

        def embed_one(self, text):  # noqa: ANN001, ANN202
            return self.embed([text])[0]

    monkeypatch.setattr(shared_catalog, "embedder", Counting())
    services = make_services(polish_budget_s=0)
    reference = product.sku if which == "sku" else product.ean[0]
    [reply] = _engine(services).handle(Turn("t:4", "U1", f"draft {reference}", "C1"))
    assert isinstance(reply, DraftReply) and reply.draft.sku == product.sku
    assert embedded == []
    _engine(services).handle(Turn("t:5", "U1", "draft a toy for a small child", "C1"))
    assert embedded  # a description is searched: the counter does count


def test_the_warm_up_draft_uses_no_model_and_stores_nothing(make_services):
    from sqlalchemy import func, select

    from copydesk.state.schema import drafts

    class Refusing:
        name = "refusing"

        def generate(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
            raise AssertionError("the warm-up used the model")

    services = make_services()
    services.__dict__["text_generator"] = Refusing()
    services.warm_up_drafting()
    with services.database.read() as conn:
        assert conn.execute(select(func.count()).select_from(drafts)).scalar() == 0

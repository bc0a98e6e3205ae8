"""DraftStore: ids, versions with parents, feedback, approvals, reopening, threads. On SQLite by default;
on PostgreSQL when the run has COPYDESK_DATABASE_URL (tests/services.py)."""

from __future__ import annotations

import re
import threading

import pytest

from copydesk.settings import Settings
from copydesk.state.drafts import DraftStore
from copydesk.state.factory import dispose_all
from copydesk.domain import Draft, Feedback
from copydesk.errors import NotFoundError


def _draft(title: str = "Xerox toner Black", sku: str = "3920564") -> Draft:
    return Draft(sku=sku, brand="northwind", channel="amazon", title=title, bullets=["Black toner"], description="Toner.")


def test_save_assigns_id_and_versions_link_to_parents(settings: Settings) -> None:
    store = DraftStore(settings)
    first = store.save(_draft(), user="U1", channel_id="C1")
    assert re.fullmatch(r"d-[0-9a-f]{6}", first.draft_id) and first.version == 1
    second = store.save(_draft("Xerox toner"), parent=(first.draft_id, 1), user="U2")
    third = store.save(_draft("Toner"), parent=(first.draft_id, 1))
    assert (second.draft_id, second.version, third.version) == (first.draft_id, 2, 3)
    assert store.parent(first.draft_id, 3) == 1 and store.parent(first.draft_id, 1) is None
    assert store.get(first.draft_id).title == "Toner"  # latest by default
    assert store.get(first.draft_id, 2).title == "Xerox toner"
    assert [d.version for d in store.versions(first.draft_id)] == [1, 2, 3]
    assert store.requester(first.draft_id) == ("U1", "C1")


def test_missing_drafts_raise_not_found(settings: Settings) -> None:
    store = DraftStore(settings)
    with pytest.raises(NotFoundError, match="d-000000"):
        store.get("d-000000")
    saved = store.save(_draft())
    with pytest.raises(NotFoundError):
        store.get(saved.draft_id, 9)
    with pytest.raises(NotFoundError):
        store.save(_draft(), parent=("d-000000", 1))
    with pytest.raises(NotFoundError):
        store.record_feedback(Feedback(draft_id=saved.draft_id, version=5, kind="approve"))


def test_store_survives_reopening(settings: Settings) -> None:
    store = DraftStore(settings)
    saved = store.save(_draft(), channel_id="C1")
    store.record_feedback(Feedback(draft_id=saved.draft_id, version=1, kind="thumbs_up", user="U1"))
    dispose_all()  # every pooled connection closed, as when the process ends
    reopened = DraftStore(settings)
    assert reopened.db is not store.db
    assert reopened.get(saved.draft_id).model_dump() == saved.model_dump()
    assert [f.kind for f in reopened.feedback()] == ["thumbs_up"]


def test_approved_returns_latest_approved_version_per_channel(settings: Settings) -> None:
    store = DraftStore(settings)
    a = store.save(_draft("A"), channel_id="C1")
    store.save(_draft("A2"), parent=(a.draft_id, 1))
    b = store.save(_draft("B", sku="2"), channel_id="C2")
    store.save(_draft("C", sku="3"), channel_id="C1")  # never approved
    store.approve(a.draft_id, 1, user="U1")
    store.approve(a.draft_id, user="U1")  # latest: version 2
    store.approve(b.draft_id)
    assert [d.title for d in store.approved()] == ["A2", "B"]
    assert [d.title for d in store.approved("C2")] == ["B"]
    assert [f.kind for f in store.feedback()] == ["approve"] * 3


def test_concurrent_saves_from_threads(settings: Settings) -> None:
    store = DraftStore(settings)
    root = store.save(_draft())
    errors: list[BaseException] = []

    def refine() -> None:
        try:
            for _ in range(10):
                store.save(_draft("t"), parent=(root.draft_id, 1))
        except BaseException as error:  # noqa: BLE001 - surfaced by the assert below
            errors.append(error)

    threads = [threading.Thread(target=refine) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [d.version for d in store.versions(root.draft_id)] == list(range(1, 42))

"""What the bot keeps for a thread until it is delivered (outbox), which thread owns a draft, and the take-over
of a request that was seen and never answered: on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from copydesk.state.outbox import ANSWER, PREVIEW, Outbox, process_is_gone, this_process
from copydesk.state.threads import BotState


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, settings):
    return settings if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_owed_items_are_kept_in_order_until_done(database):
    outbox = Outbox(database)
    first = outbox.keep("slack:C1:1.0", ANSWER, body={"parts": [{"message": {"text": "one"}}]})
    outbox.keep("slack:C1:1.0", ANSWER, body={"parts": [{"message": {"text": "two"}}]})
    outbox.keep("slack:C1:2.0", PREVIEW, ref="5.5", body={"channel": "C1"})
    assert [i.body["parts"][0]["message"]["text"] for i in outbox.owed(kind=ANSWER, thread_key="slack:C1:1.0")] == \
        ["one", "two"]
    assert outbox.failed(first) == 1 and outbox.failed(first) == 2
    assert outbox.done(first) and not outbox.done(first)  # a second replica finds it gone
    outbox.done_ref(PREVIEW, "5.5")
    assert outbox.owed(kind=PREVIEW) == [] and len(outbox.owed(kind=ANSWER)) == 1


def test_the_first_thread_to_show_a_draft_owns_it(database):
    state = BotState(database)
    assert state.draft_owner("d-1") is None
    assert state.own_draft("d-1", "slack:C1:1.0") == "slack:C1:1.0"
    assert state.own_draft("d-1", "slack:C2:9.0") == "slack:C1:1.0"  # a later thread does not take it over
    assert state.draft_owner("d-1") == "slack:C1:1.0"


def test_a_seen_and_unanswered_request_is_taken_over_once_and_only_when_stale(database):
    state = BotState(database)
    assert state.first_time("event:Ev1", "msg:C1:1.0")
    assert not state.retake("event:Ev1", "msg:C1:1.0", seen_before=time.time() - 1.0)  # fresh: its process may live
    time.sleep(1.2)
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def one() -> None:  # six replicas get Slack's retry at once: one takes it (and makes it fresh again)
        barrier.wait()
        results.append(state.retake("event:Ev1", "msg:C1:1.0", seen_before=time.time() - 1.0))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    state.mark_answered("event:Ev1", "msg:C1:1.0")
    assert not state.retake("event:Ev1", "msg:C1:1.0", seen_before=time.time() + 1)  # answered: never again
    assert not state.retake("event:Ev9", seen_before=time.time() + 1)  # never seen: first_time's business


def test_a_request_owner_is_gone_only_when_its_process_on_this_host_is():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    host = this_process().rpartition(":")[0]
    assert process_is_gone(f"{host}:{child.pid}")
    assert not process_is_gone(this_process())  # this process
    assert not process_is_gone(f"{host}:{os.getppid()}")  # alive
    assert not process_is_gone(f"another-host:{child.pid}")  # cannot be seen from here
    assert not process_is_gone(None) and not process_is_gone("garbage")

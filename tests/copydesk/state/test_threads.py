"""Bot state: threads survive a restart, events are handled once, even by racing replicas."""

from __future__ import annotations

import threading
import time

from copydesk.state.db import Database, create_db_engine
from copydesk.state.factory import dispose_all, open_database
from copydesk.state.threads import BotState, ThreadState


def test_threads_survive_a_restart(settings):
    state = BotState(settings)
    state.save_thread(ThreadState("slack:C1:1.0", started_by="U1", brand="pebble", channel="amazon",
                                  draft_id="d-1", draft_version=2, sku="SKU-1"))
    state.save_thread(ThreadState("slack:C1:1.0", started_by="U1", brand="pebble", channel="amazon",
                                  draft_id="d-1", draft_version=3, sku="SKU-1"))  # an update, not a second row
    state.log_request("slack:C1:1.0", "U1", "draft SKU-1")
    state.log_request("slack:C1:1.0", "U1", "shorter")
    state.remember_message("C1", "2.0", "d-1", 2)
    state.remember_message("C1", "2.0", "d-1", 3)  # the same message now shows version 3

    dispose_all()  # a new process
    again = BotState(settings)
    thread = again.thread("slack:C1:1.0")
    assert (thread.started_by, thread.brand, thread.channel, thread.draft_id, thread.draft_version) == (
        "U1", "pebble", "amazon", "d-1", 3)
    assert again.requests("slack:C1:1.0") == [("U1", "draft SKU-1"), ("U1", "shorter")]
    assert again.draft_for_message("C1", "2.0") == ("d-1", 3)
    assert again.knows_thread("slack:C1:1.0") and not again.knows_thread("slack:C1:9.9")


def _race(states: list[BotState], keys: tuple[str, ...], per_state: int = 4) -> list[bool]:
    results: list[bool] = []
    barrier = threading.Barrier(len(states) * per_state)

    def one(state: BotState) -> None:
        barrier.wait()
        results.append(state.first_time(*keys))

    threads = [threading.Thread(target=one, args=(s,)) for s in states for _ in range(per_state)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_an_event_is_first_only_once_even_when_raced(settings):
    state = BotState(settings)
    assert _race([state], ("event:Ev1", "msg:C1:1.0"), per_state=8).count(True) == 1
    # the same message under another event id (app_mention + message) is also a repeat
    assert state.first_time("event:Ev2", "msg:C1:1.0") is False
    assert state.first_time("event:Ev3", "msg:C1:2.0") is True


def test_two_replicas_with_their_own_connections_answer_a_retry_once(postgres_url):
    """Two engines (as two bot processes have) on one PostgreSQL: first writer wins, for many events."""
    replicas = [BotState(open_database(postgres_url)), BotState(Database(create_db_engine(postgres_url)))]
    assert replicas[0].db.engine is not replicas[1].db.engine
    try:
        for n in range(10):
            assert _race(replicas, (f"event:Ev{n}", f"msg:C1:{n}.0"), per_state=3).count(True) == 1
    finally:
        replicas[1].db.dispose()


def test_seen_then_answered(settings):
    state = BotState(settings)
    assert state.event_status("event:Ev9") is None
    assert state.first_time("event:Ev9", "msg:C1:9.0")
    assert state.event_status("event:Ev9") == "seen"
    state.mark_answered("event:Ev9", "msg:C1:9.0")
    assert state.event_status("event:Ev9") == state.event_status("msg:C1:9.0") == "answered"
    assert not state.first_time("event:Ev9")  # answered events stay repeats


def test_old_event_ids_are_forgotten(settings):
    state = BotState(settings)
    state.first_time("event:Old")
    assert state.forget_events_before(time.time() + 1) == 1
    assert state.first_time("event:Old") is True


def test_an_image_seed_past_32_bits_is_kept(settings):
    state = BotState(settings)
    state.save_thread(ThreadState("slack:C1:3.0", image_seed=2**32 - 1))
    assert state.thread("slack:C1:3.0").image_seed == 2**32 - 1

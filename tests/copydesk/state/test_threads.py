"""Bot state in SQLite: threads survive a restart, events are handled once."""

from __future__ import annotations

import threading

from copydesk.state.threads import BotState, ThreadState


def test_threads_survive_a_restart(tmp_path):
    db = tmp_path / "copydesk.sqlite3"
    state = BotState(db)
    state.save_thread(ThreadState("slack:C1:1.0", started_by="U1", brand="pebble", channel="amazon",
                                  draft_id="d-1", draft_version=2, sku="SKU-1"))
    state.log_request("slack:C1:1.0", "U1", "draft SKU-1")
    state.remember_message("C1", "2.0", "d-1", 2)

    again = BotState(db)  # a new process
    thread = again.thread("slack:C1:1.0")
    assert (thread.started_by, thread.brand, thread.channel, thread.draft_id, thread.draft_version) == (
        "U1", "pebble", "amazon", "d-1", 2)
    assert again.requests("slack:C1:1.0") == [("U1", "draft SKU-1")]
    assert again.draft_for_message("C1", "2.0") == ("d-1", 2)
    assert again.knows_thread("slack:C1:1.0") and not again.knows_thread("slack:C1:9.9")


def test_an_event_is_first_only_once_even_when_raced(tmp_path):
    state = BotState(tmp_path / "copydesk.sqlite3")
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(state.first_time("event:Ev1", "msg:C1:1.0")))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    # the same message under another event id (app_mention + message) is also a repeat
    assert state.first_time("event:Ev2", "msg:C1:1.0") is False
    assert state.first_time("event:Ev3", "msg:C1:2.0") is True


def test_old_event_ids_are_forgotten(tmp_path):
    import time

    state = BotState(tmp_path / "copydesk.sqlite3")
    state.first_time("event:Old")
    assert state.forget_events_before(time.time() + 1) == 1
    assert state.first_time("event:Old") is True

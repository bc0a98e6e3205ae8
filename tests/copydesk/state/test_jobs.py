"""JobStore: a job id is recorded once, claimed by one worker, never run again once done, and taken over
when its worker stops beating; queue positions count the live workers' slots."""

from __future__ import annotations

import threading
import time

from copydesk.state.jobs import JobStore


def test_a_repeated_job_id_is_not_queued_twice(settings):
    store = JobStore(settings)
    assert store.enqueue("msg:C1:1.0", kind="draft", queue="copy", user="U1", thread_key="slack:C1:1.0")
    assert not store.enqueue("msg:C1:1.0", kind="draft", queue="copy", user="U1", thread_key="slack:C1:1.0")
    assert store.active_for_user("U1") == 1 and store.active_for_user("U2") == 0
    assert store.counts() == {"copy": {"queued": 1}}


def test_one_claim_wins_and_a_finished_job_is_dropped(settings):
    store = JobStore(settings)
    store.enqueue("j1", kind="draft", queue="copy", user="U1", thread_key=None)
    claims: list[str] = []
    barrier = threading.Barrier(6)

    def claim(worker: str) -> None:
        barrier.wait()
        claims.append(store.claim("j1", worker))

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claims) == ["busy"] * 5 + ["run"]
    running = [w for w in (f"w{i}" for i in range(6)) if store.claim("j1", w) == "busy"]
    assert len(running) == 6  # still running: everyone else waits
    with store.db.read() as conn:
        worker = conn.exec_driver_sql("SELECT worker FROM jobs WHERE job_id='j1'").scalar()
    store.finish("j1", worker)
    assert store.status("j1") == "done" and store.active_for_user("U1") == 0
    assert store.claim("j1", "w9") == "done"


def test_an_abandoned_job_is_taken_over_and_a_live_one_is_not(settings):
    store = JobStore(settings, stale_after_s=0.3)
    store.enqueue("j2", kind="image", queue="image", user=None, thread_key=None)
    assert store.claim("j2", "dead-worker") == "run"
    store.beat("dead-worker", queues=["image"], concurrency=1)
    assert store.claim("j2", "w2") == "busy"
    time.sleep(0.4)  # the worker was SIGKILLed: no more heartbeats
    assert store.claim("j2", "w2") == "rerun"  # it may have posted its answer before dying
    store.finish("j2", "dead-worker")  # a late finish from the dead worker's job does not count
    assert store.status("j2") == "running"
    store.finish("j2", "w2", error="boom")
    assert store.status("j2") == "failed"


def test_positions_count_live_workers(settings):
    store = JobStore(settings, stale_after_s=30)
    for n in range(3):
        store.enqueue(f"q{n}", kind="draft", queue="copy", user=f"U{n}", thread_key=None)
        time.sleep(0.01)
    assert [store.position(f"q{n}") for n in range(3)] == [1, 2, 3]  # no worker alive: all wait
    store.beat("w1", queues=["copy", "image"], concurrency=2)
    store.beat("w2", queues=["bulk"], concurrency=4)  # serves another queue
    assert [store.position(f"q{n}") for n in range(3)] == [0, 0, 1]
    assert {w.worker for w in store.live_workers()} == {"w1", "w2"}
    store.leave("w2")
    assert [w.worker for w in store.live_workers()] == ["w1"]


def test_old_finished_jobs_are_pruned_and_unfinished_ones_kept(settings):
    store = JobStore(settings)
    for job_id in ("old", "open"):
        store.enqueue(job_id, kind="draft", queue="copy", user=None, thread_key=None)
    store.claim("old", "w1")
    store.finish("old", "w1")
    assert store.prune(older_than_s=3600) == 0  # finished just now
    assert store.prune(older_than_s=-1) == 1  # everything finished counts as old
    assert store.status("old") is None and store.status("open") == "queued"

"""The device job queue, with a stand-in batch runner (no model needed)."""

from __future__ import annotations

import threading

import pytest

from copydesk.errors import RateLimitedError
from generators.images.job_queue import JobQueue, QueueFullError


class Recorder:
    """Runs batches only when released, and remembers them."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, tickets):
        self.started.set()
        self.release.wait(5)
        self.batches.append([t.item for t in tickets])
        return [f"done {t.item}" if t.item != "boom" else ValueError("boom") for t in tickets]


def test_jobs_that_piled_up_run_in_batches_of_the_same_key():
    runner = Recorder()
    queue = JobQueue(runner, max_size=10, max_batch=2)
    first = queue.submit("a1", key="a")
    runner.started.wait(5)  # the worker is busy with a1; the rest pile up
    futures = [queue.submit(item, key=item[0]) for item in ("b1", "a2", "a3", "b2", "a4")]
    runner.release.set()
    assert first.result(5) == "done a1"
    assert [f.result(5) for f in futures] == ["done b1", "done a2", "done a3", "done b2", "done a4"]
    # oldest first; compatible jobs pulled forward, at most max_batch per call
    assert runner.batches == [["a1"], ["b1", "b2"], ["a2", "a3"], ["a4"]]
    queue.close()


def test_a_full_queue_refuses_new_jobs_with_a_clear_error():
    runner = Recorder()
    queue = JobQueue(runner, max_size=2, max_batch=1)
    queue.submit("a1", key="a")
    runner.started.wait(5)
    queue.submit("a2", key="a")
    queue.submit("a3", key="a")
    with pytest.raises(QueueFullError, match="image queue is full") as raised:
        queue.submit("a4", key="a")
    assert isinstance(raised.value, RateLimitedError) and raised.value.position == 3
    runner.release.set()
    queue.close()


def test_an_error_reaches_only_its_own_job_and_a_crash_reaches_the_whole_batch():
    runner = Recorder()
    runner.release.set()
    queue = JobQueue(runner, max_size=5, max_batch=4)
    with pytest.raises(ValueError, match="boom"):
        queue.submit("boom", key="a").result(5)
    assert queue.submit("ok", key="a").result(5) == "done ok"

    def crash(tickets):
        raise RuntimeError("device lost")

    broken = JobQueue(crash, max_size=5, max_batch=4)
    with pytest.raises(RuntimeError, match="device lost"):
        broken.submit("x", key="a").result(5)
    queue.close()
    broken.close()

"""The worker pool: bounded, per-user limits, places in the queue."""

from __future__ import annotations

import threading

import pytest

from bot.slack.pool import WorkPool
from copydesk.errors import RateLimitedError


def test_queue_positions_and_per_user_limit():
    pool = WorkPool(workers=1, per_user=2)
    release = threading.Event()
    started = threading.Event()

    def blocker() -> None:
        started.set()
        release.wait(10)

    try:
        assert pool.submit("alice", blocker).position == 0
        started.wait(5)
        assert pool.submit("bob", release.wait).position == 1
        assert pool.submit("carol", release.wait).position == 2
        assert pool.submit("alice", release.wait).position == 3
        with pytest.raises(RateLimitedError) as raised:
            pool.submit("alice", release.wait)
        assert raised.value.position == 3
        assert "limit is 2" in str(raised.value)
    finally:
        release.set()
        assert pool.wait_idle(10)
        pool.shutdown()


def test_a_failing_job_frees_its_slot():
    pool = WorkPool(workers=1, per_user=1)
    try:
        pool.submit("alice", lambda: 1 / 0)
        assert pool.wait_idle(5)
        done = threading.Event()
        pool.submit("alice", done.set)
        assert done.wait(5)
    finally:
        pool.shutdown()

"""Where jobs run: `JobRunner.submit(user, job)`.

The default is `InProcessRunner`: a bounded worker pool in this process, with a per-user limit and queue
positions. Slack needs an acknowledgement within 3 s while a draft or an image takes longer, so listeners
only enqueue here. `settings.workers` jobs run at once (one model instance serves them all); each user may
have `settings.user_queue_limit` jobs waiting or running; a job that has to wait learns its place in the
queue. `WorkPool` is a thin layer over ThreadPoolExecutor: the executor does the threading, it does the
bookkeeping the executor does not expose (positions, per-user counts).

With COPYDESK_BROKER_URL the same `Job`s go to Celery instead (bot/worker/runner.py): a `Job` is plain JSON,
so it can cross to a `copydesk worker` process, where the same handler runs it.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Protocol

from copydesk.errors import RateLimitedError

log = logging.getLogger("copydesk.bot")


@dataclass(frozen=True)
class Ticket:
    job_id: int | str
    position: int  # 0: starts now; k > 0: k-th in the queue


KINDS = ("draft", "polish", "image", "bulk")


@dataclass(frozen=True)
class Job:
    """One unit of work, as plain JSON: `handler` names the function that runs it (bot/slack/bot.py's
    SlackBot.handlers), `payload` is its arguments. `job_id` is derived from the Slack event, so a retried
    event makes the same job; `kind` picks the queue (draft and polish: copy, image: image, bulk: bulk)."""

    job_id: str
    kind: str
    handler: str
    payload: dict[str, Any] = field(default_factory=dict)
    user: str | None = None
    thread_key: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"job kind {self.kind!r} is not one of {KINDS}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Job":
        return cls(**data)


class JobRunner(Protocol):
    def submit(self, user: str | None, job: Job) -> Ticket:
        """Queue the job; RateLimitedError when the user has too many waiting, QueueUnavailableError when
        the queue cannot be reached (nothing was queued)."""

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until every job submitted here has finished (tests and benchmarks)."""

    def shutdown(self, wait: bool = True) -> None: ...


class InProcessRunner:
    """The default runner: jobs run on this process's WorkPool, through `execute` (SlackBot.run_job)."""

    def __init__(self, pool: WorkPool, execute: Callable[[Job], None]) -> None:
        self.pool = pool
        self.execute = execute

    def submit(self, user: str | None, job: Job) -> Ticket:
        return self.pool.submit(user, lambda: self.execute(job))

    def wait_idle(self, timeout: float = 60.0) -> bool:
        return self.pool.wait_idle(timeout)

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait)


class WorkPool:
    def __init__(self, workers: int, per_user: int) -> None:
        self.workers = workers
        self.per_user = per_user
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="copydesk-worker")
        self._lock = threading.Condition()
        self._waiting: list[int] = []
        self._running = 0
        self._by_user: Counter[str] = Counter()
        self._ids = itertools.count(1)

    def submit(self, user: str | None, job: Callable[[], None]) -> Ticket:
        """Queue `job`; RateLimitedError (with the user's place in the queue) when they have too many."""
        key = user or "?"
        with self._lock:
            if self._by_user[key] >= self.per_user:
                position = self._queue_length()
                raise RateLimitedError(
                    f"You already have {self._by_user[key]} requests in progress (the limit is {self.per_user}); "
                    f"{position} request(s) are waiting in the queue. Send this one again when one of yours is done.",
                    position=position,
                )
            job_id = next(self._ids)
            self._by_user[key] += 1
            busy = self._running + len(self._waiting) >= self.workers
            self._waiting.append(job_id)
            position = len(self._waiting) + self._running - self.workers if busy else 0
        self._executor.submit(self._run, job_id, key, job)
        return Ticket(job_id, max(position, 0))

    def _queue_length(self) -> int:
        return len(self._waiting)

    def _run(self, job_id: int, key: str, job: Callable[[], None]) -> None:
        with self._lock:
            self._waiting.remove(job_id)
            self._running += 1
        try:
            job()
        except Exception:  # noqa: BLE001 - jobs report their own failures; this is the last line of defence
            log.exception("worker job %s failed outside its own error handling", job_id)
        finally:
            with self._lock:
                self._running -= 1
                self._by_user[key] -= 1
                if self._by_user[key] <= 0:
                    del self._by_user[key]
                self._lock.notify_all()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no job waits or runs (tests and benchmarks)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._waiting and self._running == 0, timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=not wait)

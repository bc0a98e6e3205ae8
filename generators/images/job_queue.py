"""The device job queue: one worker thread feeds the pipeline, batching compatible jobs.

Jobs wait in arrival order. When the device frees up, the worker takes the oldest job and every
waiting job with the same batch key (mode, size, steps, ...) up to `max_batch`, and runs them as
one pipeline call. There is no batching window: batches form only from jobs that piled up while
the device was busy, so a lone request never waits for company. The queue is bounded; a full
queue refuses new jobs with QueueFullError rather than letting waits grow without limit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from copydesk.errors import RateLimitedError

log = logging.getLogger(__name__)

T = TypeVar("T")
StepCallback = Callable[[int, int], None]


class QueueFullError(RateLimitedError):
    """Too many image jobs are waiting for the device."""


@dataclass
class Ticket(Generic[T]):
    item: T
    key: Hashable
    on_step: StepCallback | None
    future: Future = field(default_factory=Future)
    enqueued_at: float = field(default_factory=time.perf_counter)


# run_batch receives compatible tickets and returns one result (or exception) per ticket, in order.
BatchRunner = Callable[[Sequence[Ticket[T]]], Sequence[Any]]


class JobQueue(Generic[T]):
    def __init__(self, run_batch: BatchRunner, *, max_size: int, max_batch: int, name: str = "copydesk-images") -> None:
        self._run_batch = run_batch
        self.max_size = max_size
        self.max_batch = max_batch
        self._name = name
        self._waiting: deque[Ticket[T]] = deque()
        self._ready = threading.Condition()
        self._worker: threading.Thread | None = None
        self._closed = False

    def submit(self, item: T, key: Hashable, on_step: StepCallback | None = None) -> Future:
        """Queue one job; the future resolves to its result. QueueFullError when `max_size` are waiting."""
        with self._ready:
            if self._closed:
                raise RuntimeError("the image queue is closed")
            if len(self._waiting) >= self.max_size:
                raise QueueFullError(
                    f"The image queue is full: {len(self._waiting)} images are waiting for the device. "
                    "Try again in a minute (or raise COPYDESK_IMAGE_QUEUE_SIZE).",
                    position=len(self._waiting) + 1,
                )
            ticket = Ticket(item, key, on_step)
            self._waiting.append(ticket)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._worker.start()
            self._ready.notify()
            return ticket.future

    def waiting(self) -> int:
        with self._ready:
            return len(self._waiting)

    def close(self) -> None:
        """Stop after the jobs already queued; the worker thread ends."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def _next_batch(self) -> list[Ticket[T]] | None:
        with self._ready:
            while not self._waiting and not self._closed:
                self._ready.wait()
            if not self._waiting:
                return None
            first = self._waiting.popleft()
            batch = [first]
            for ticket in list(self._waiting):
                if len(batch) >= self.max_batch:
                    break
                if ticket.key == first.key:
                    self._waiting.remove(ticket)
                    batch.append(ticket)
            return batch

    def _work(self) -> None:
        while (batch := self._next_batch()) is not None:
            live = [t for t in batch if t.future.set_running_or_notify_cancel()]
            if not live:
                continue
            try:
                outcomes = self._run_batch(live)
            except BaseException as error:  # one failed call fails its whole batch, visibly
                log.exception("image batch of %d failed", len(live))
                outcomes = [error] * len(live)
            for ticket, outcome in zip(live, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    ticket.future.set_exception(outcome)
                else:
                    ticket.future.set_result(outcome)

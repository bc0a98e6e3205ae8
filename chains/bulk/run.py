"""A bulk job's work: its products drafted one by one (first drafts; polished on request), each finished in
the bulk store as it is done, so an interrupted job resumes where it stopped and a product that fails gets
its reason while the rest go on.

`prepare` finds the job already made for the same inputs (same products, same catalog content, same
options) or makes one; `BulkRun.run` drafts its pending products, in this process or, for a big job
without a brand voice, in forked worker processes (the copy chain is CPU-bound Python: threads would share
one core).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from chains.bulk.selection import Pick, Selection
from chains.drafting import CopyChain, DraftResult
from copydesk.domain import Draft, Product
from chains.rules import CHANNELS
from copydesk.errors import CopydeskError, InputError
from copydesk.state.bulk import CANCELLED, DONE, PENDING, RUNNING, BulkJob, BulkStore, inputs_hash
from copydesk.state.drafts import DraftStore

log = logging.getLogger("copydesk.bulk")

# Seconds per product for the estimate a person sees before a job starts: a first draft took 55-70 ms on
# this project's 2-core CPU (bench/results/bulk.json has the measured rate).
FIRST_DRAFT_S = 0.07
PROCESS_MIN_PRODUCTS = 64  # below this, starting worker processes costs more than it saves

Work = tuple[int, str, Product | None]  # (position in the job, reference, the product or None)
Done = tuple[int, Product | None, Draft | None, str | None]  # (position, product, stored draft, error)


@dataclass
class ItemResult:
    position: int
    reference: str
    sku: str | None
    draft: Draft | None
    error: str | None

    @property
    def clean(self) -> bool:
        return self.draft is not None and is_clean(self.draft)


@dataclass
class BulkProgress:
    """Where a run stands: `finished` of `total` (of which `failed`), `resumed` finished by an earlier run."""

    total: int
    finished: int = 0
    failed: int = 0
    resumed: int = 0
    started: float = field(default_factory=time.monotonic)
    cancelled: bool = False

    @property
    def drafted_now(self) -> int:
        return self.finished - self.resumed

    @property
    def rate(self) -> float:
        """Products per second drafted by this run."""
        elapsed = time.monotonic() - self.started
        return self.drafted_now / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.rate
        return (self.total - self.finished) / rate if rate > 0 else None

    @property
    def complete(self) -> bool:
        return self.finished >= self.total


def is_clean(draft: Draft) -> bool:
    """Ready to approve without a look: a title, bullets, and no brand or channel rule left broken."""
    return bool(draft.title.strip()) and bool(draft.bullets) and not draft.violations


def estimate_s(count: int, *, polish: bool, polish_budget_s: float) -> float:
    return count * (FIRST_DRAFT_S + (polish_budget_s if polish else 0.0))


def slice_limit(slice_s: float) -> int:
    """Products a slice of `slice_s` seconds reads at most: a few times what it could draft, so a slice of a
    big job never loads the whole job's products."""
    return max(4, int(4 * slice_s / FIRST_DRAFT_S))


def check_options(chain: CopyChain, *, brand: str | None, channel: str) -> None:
    """Refuse a job every product of which would fail the same way (an unknown channel or brand)."""
    if channel not in CHANNELS:
        raise InputError(f"Unknown channel {channel!r}.", hint=f"Use one of: {', '.join(sorted(CHANNELS))}.")
    if brand:
        chain.catalog.style_guide(brand)  # NotFoundError naming the brands there are


def job_results(store: BulkStore, drafts: DraftStore, job_id: str) -> list[ItemResult]:
    """Every product of the job in order, with its draft (the version the job made) or its reason."""
    return [ItemResult(item.position, item.reference, item.sku,
                       drafts.get(item.draft_id, item.draft_version) if item.draft_id else None, item.error)
            for item in store.items(job_id)]


def prepare(store: BulkStore, picks: list[Pick], selection: Selection, *, brand: str | None, channel: str,
            polish: bool, user: str | None = None, channel_id: str | None = None, thread_key: str | None = None,
            resume: bool = True) -> tuple[BulkJob, bool]:
    """(the job for these inputs, whether it was made before): with `resume`, the newest job made for exactly
    the same products (as the catalog holds them now) and options, else a new one. References the catalog
    lacks are finished at once as failed, with their reason."""
    options = {"selection": f"{selection.kind}:{selection.text}", "brand": brand, "channel": channel,
               "polish": polish, "products": _products_digest(picks)}
    references = [pick.reference for pick in picks]
    if resume:
        found = store.find(inputs_hash(references, options), unfinished_only=False)
        if found is not None:
            return found, True
    job = store.create(references, user=user, channel_id=channel_id, thread_key=thread_key, options=options)
    for position, pick in enumerate(picks):
        if pick.product is None:
            store.finish_item(job.job_id, position, error=pick.error or "Not in the catalog.")
    return store.get(job.job_id), False


def _products_digest(picks: list[Pick]) -> str:
    """Changes when any selected product's catalog content changes, so its draft is made again."""
    digest = hashlib.sha256()
    for pick in picks:
        digest.update((pick.product.model_dump_json(exclude={"source"}) if pick.product else pick.reference).encode())
    return digest.hexdigest()


class BulkRun:
    """Drafts the pending products of a bulk job with the copy chain and records each in the bulk store."""

    def __init__(self, chain: CopyChain, store: BulkStore) -> None:
        self.chain = chain
        self.store = store

    def run(self, job_id: str, *, processes: int = 1, deadline: float | None = None, limit: int | None = None,
            should_stop: Callable[[], bool] | None = None,
            on_progress: Callable[[BulkProgress], None] | None = None) -> BulkProgress:
        """Draft pending products until none is left, `deadline` (time.monotonic()) passes, `limit` are done
        or the job is cancelled (in the store: `cancel` from another thread or process; or `should_stop()`)."""
        job = self.store.get(job_id)
        progress = BulkProgress(job.total, job.finished, job.failed, job.finished)
        if job.status == CANCELLED:
            progress.cancelled = True
            return progress
        pending = self.store.items(job_id, status=PENDING)[:limit]
        if not pending:
            self._close(job_id, progress)
            return progress
        self.store.set_status(job_id, RUNNING)
        products = self.chain.catalog.get_many([item.reference for item in pending])
        work = [(item.position, item.reference, products.get(item.reference)) for item in pending]
        # a brand's style chunks are searched in the catalog per product, and polishing needs the model:
        # both stay in this process
        parallel = (processes > 1 and not job.options.get("brand") and not job.options.get("polish")
                    and deadline is None and len(work) >= PROCESS_MIN_PRODUCTS)
        # in parallel, the first product is drafted here: it loads the lazy tables (patterns, word lists,
        # knowledge graph) once, and the forked workers inherit them instead of each loading its own
        generators = ([self._here(work[:1], job), self._in_processes(work[1:], job, processes)] if parallel
                      else [self._here(work, job)])
        results = itertools.chain.from_iterable(generators)
        try:
            for position, product, draft, error in results:
                self.store.finish_item(job_id, position, sku=product.sku if product else None,
                                       draft_id=draft.draft_id if draft else None,
                                       draft_version=draft.version if draft else None, error=error)
                progress.finished += 1
                progress.failed += error is not None
                if on_progress:
                    on_progress(progress)
                # a cancel from anywhere (another thread, process or replica) is read from the store: one
                # small read per product, against tens of milliseconds of drafting
                if (should_stop and should_stop()) or self.store.get(job_id).status == CANCELLED:
                    progress.cancelled = True
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    break
        finally:
            for generator in generators:
                generator.close()  # stops the worker processes on a break (cancel, deadline) or Ctrl-C
        self._close(job_id, progress)
        return progress

    def cancel(self, job_id: str) -> None:
        self.store.set_status(job_id, CANCELLED)

    def _close(self, job_id: str, progress: BulkProgress) -> None:
        if progress.cancelled:
            self.store.set_status(job_id, CANCELLED)
        elif progress.complete:
            self.store.set_status(job_id, DONE)

    # --- where the drafting happens -------------------------------------------------------------------
    def _here(self, work: list[Work], job: BulkJob) -> Iterator[Done]:
        """In this process: the chain stores each draft (and its polish as the next version) itself."""
        brand, channel, polish = job.options.get("brand"), job.options.get("channel"), bool(job.options.get("polish"))
        for position, reference, product in work:
            if product is None:
                yield position, None, None, _gone(reference)
                continue
            draft, error = _draft(self.chain, product, brand, channel, polish, user=job.user,
                                  channel_id=job.channel_id)
            yield position, product, draft, error

    def _in_processes(self, work: list[Work], job: BulkJob, processes: int) -> Iterator[Done]:
        """In forked worker processes (they inherit the loaded code: a fresh interpreter would spend ~20 s
        importing it). A child only composes: it opens no database or Chroma client; this process stores."""
        products = {position: product for position, _, product in work}
        context = multiprocessing.get_context("fork")
        chain = CopyChain(self.chain.catalog, None, _Unstored(), self.chain.settings)
        pool = context.Pool(processes, initializer=_start_child, initargs=(chain, job.options.get("channel")))
        try:
            chunk = max(1, min(16, len(work) // (processes * 8)))
            for position, draft, error in pool.imap(_child_draft, work, chunksize=chunk):
                if draft is not None:
                    draft = self.chain.store.save(draft, user=job.user, channel_id=job.channel_id)
                yield position, products[position], draft, error
        finally:
            pool.terminate()
            pool.join()


def _gone(reference: str) -> str:
    return f"Product {reference} is no longer in the catalog."


def _draft(chain: CopyChain, product: Product, brand: str | None, channel: str | None, polish: bool, *,
           user: str | None = None, channel_id: str | None = None) -> tuple[Draft | None, str | None]:
    """(the draft, None) or (None, the reason): one product's failure never stops the job."""
    try:
        result: DraftResult = chain.first_draft(product, brand=brand, channel=channel, user=user,
                                                channel_id=channel_id)
        if polish:
            result = chain.polish(result, budget_s=chain.settings.polish_budget_s)
        return result.draft, None
    except CopydeskError as error:
        return None, str(error)
    except Exception as error:  # noqa: BLE001 - a bug on one product: logged with its traceback, the rest go on
        log.exception("bulk: drafting %s failed", product.sku)
        return None, f"Drafting failed ({type(error).__name__}: {error})."


class _Unstored:
    """The draft store a worker process's chain writes to: nothing is written there; the parent stores."""

    def save(self, draft: Draft, **_: Any) -> Draft:
        return draft


_child: tuple[CopyChain, str | None] | None = None


def _start_child(chain: CopyChain, channel: str | None) -> None:
    global _child
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops the pool)
    _child = (chain, channel)
    log.debug("bulk worker %s started", os.getpid())


def _child_draft(item: Work) -> tuple[int, Draft | None, str | None]:
    assert _child is not None, "the worker was not started"
    position, reference, product = item
    if product is None:
        return position, None, _gone(reference)
    chain, channel = _child
    draft, error = _draft(chain, product, None, channel, False)
    return position, draft, error

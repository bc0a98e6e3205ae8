"""Bulk jobs in a conversation. `bulk <category or query>` (or `bulk` with a CSV of SKUs attached) makes a
job and answers at once with the number of products and an estimate; the transport then runs the job in
slices (`step`), each a short turn on the shared worker pool behind any waiting request, while one progress
message is kept up to date; at the end come the result file and "approve all clean drafts". In the job's
thread, `cancel` stops it, `approve all` approves its clean drafts, and a SKU opens that product's draft.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.intents import Intent
from bot.engine.replies import BulkDoneReply, BulkReply, DraftReply, InfoReply, Reply
from bot.engine.turns import Progress, Turn
from chains.bulk import (
    BulkProgress, BulkRun, ItemResult, Selection, check_options, estimate_s, job_results, prepare, read_references,
    select, slice_limit, status, write_results,
)
from copydesk.domain import Feedback
from copydesk.errors import InputError
from copydesk.state.bulk import CANCELLED, FINISHED, BulkJob
from copydesk.state.threads import ThreadState
from retrieval.facts import facts_for

if TYPE_CHECKING:
    from bot.services import Services

LIST_TYPES = ("text/csv", "text/plain", "application/csv", "text/tab-separated-values")
SHOWN_PROBLEMS = 5


@dataclass
class BulkStep:
    finished: bool  # False: more products wait; the transport queues the next slice
    replies: list[Reply]


class BulkDesk:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings

    # --- starting a job ------------------------------------------------------------------------
    def start(self, intent: Intent, thread: ThreadState, turn: Turn) -> Reply:
        running = self.services.bulk.for_thread(turn.thread_key)
        if running is not None and running.status not in FINISHED:
            return InfoReply(f"Bulk job {running.job_id} is still drafting in this thread "
                             f"({running.finished} of {running.total}); say `cancel` to stop it first.")
        selection = self._selection(intent, turn)
        brand, channel = intent.brand or thread.brand, intent.channel or thread.channel or self.settings.default_channel
        check_options(self.services.copy_chain, brand=brand, channel=channel)
        picks = select(self.services.catalog, selection, query_limit=self.settings.bulk_query_limit)
        polish = intent.polish and self.services.ready_text_generator() is not None
        job, _ = prepare(self.services.bulk, picks, selection, brand=brand, channel=channel, polish=polish,
                         user=turn.user, channel_id=turn.channel_id, thread_key=turn.thread_key, resume=False)
        estimate = estimate_s(job.total - job.failed, polish=polish, polish_budget_s=self.settings.polish_budget_s)
        return BulkReply(job.job_id, job.total, job.failed, estimate, selection.describe())

    def _selection(self, intent: Intent, turn: Turn) -> Selection:
        listed = next((f for f in turn.files if f.mimetype in LIST_TYPES or f.name.lower().endswith((".csv", ".txt"))),
                      None)
        if listed is not None:
            try:
                text = listed.content.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise InputError(f"{listed.name} is not UTF-8 text.", hint="Attach a CSV or a text file of SKUs.") \
                    from error
            return Selection("references", listed.name, read_references(text, name=listed.name))
        words = (intent.reference or "").strip()
        if not words:
            raise InputError("Which products? Name a category or a search, or attach a CSV of SKUs.",
                             hint="e.g. `bulk Model Trains`, `bulk query wooden toys for amazon`.")
        kind = intent.selection
        if kind is None:  # a category when some product's category says it, else a search
            kind = "category" if self.services.catalog.in_category(words) else "query"
        return Selection(kind, words)

    # --- running it, a slice at a time ---------------------------------------------------------------
    def step(self, job_id: str, progress: Progress, *, slice_s: float | None = None) -> BulkStep:
        """Draft for about `slice_s` seconds (COPYDESK_BULK_SLICE_S), updating the progress message; at the
        end (all done, or cancelled) the result file and the summary."""
        slice_s = self.settings.bulk_slice_s if slice_s is None else slice_s
        job = self.services.bulk.get(job_id)
        run = BulkRun(self.services.copy_chain, self.services.bulk)
        outcome = run.run(job_id, deadline=time.monotonic() + slice_s, limit=slice_limit(slice_s),
                          on_progress=lambda p: progress.progress(_progress_line(job, p)))
        if not (outcome.complete or outcome.cancelled):
            return BulkStep(False, [])
        progress.progress(_progress_line(job, outcome), force=True)
        return BulkStep(True, [self._done(self.services.bulk.get(job_id))])

    def _done(self, job: BulkJob) -> BulkDoneReply:
        results = job_results(self.services.bulk, self.services.drafts, job.job_id)
        out = self.settings.home / "bulk" / f"{job.job_id}.csv"
        write_results(out, results, {})
        drafted = [r for r in results if r.draft is not None]
        problems = [f"{r.reference}: {r.error}" for r in results if r.error]
        problems += [f"{r.reference}: to review ({'; '.join(r.draft.violations) or 'no bullets'})"
                     for r in drafted if not r.clean and r.draft]
        return BulkDoneReply(job.job_id, out, len(results), len(drafted), sum(r.clean for r in drafted),
                             sum(r.error is not None for r in results), job.status == CANCELLED,
                             problems[:SHOWN_PROBLEMS])

    # --- in the job's thread -------------------------------------------------------------------------
    def cancel(self, thread_key: str) -> Reply | None:
        """Cancel the thread's running job (None when it has none): it stops after its current product."""
        job = self.services.bulk.for_thread(thread_key)
        if job is None or job.status in FINISHED:
            return None
        self.services.bulk.set_status(job.job_id, CANCELLED)
        return InfoReply(f"Cancelling bulk job {job.job_id}: it stops after the product it is drafting "
                         f"({job.finished} of {job.total} done); the file of what was drafted follows.")

    def approve_all(self, job_id: str | None, thread_key: str, user: str | None) -> Reply:
        job = self.services.bulk.get(job_id) if job_id else self.services.bulk.for_thread(thread_key)
        if job is None:
            return InfoReply("There is no bulk job in this thread to approve.")
        results = job_results(self.services.bulk, self.services.drafts, job.job_id)
        clean = [r.draft for r in results if r.clean and r.draft]
        for draft in clean:
            self.services.drafts.record_feedback(Feedback(draft_id=draft.draft_id or "", version=draft.version,
                                                          kind="approve", user=user))
        review = [r.reference for r in results if not r.clean]
        text = f"Approved {len(clean)} clean draft(s) of bulk job {job.job_id}."
        if review:
            text += (f" {len(review)} need a look ({', '.join(review[:10])}{', …' if len(review) > 10 else ''}): "
                     "type a SKU here to open its draft.")
        return InfoReply(text + " `export amazon` (or `export shopify`) gives the approved drafts as a file.")

    def open(self, reference: str, thread_key: str) -> DraftReply | InfoReply | None:
        """A SKU typed in a bulk job's thread opens that product's draft from the job (None: not one of its)."""
        job = self.services.bulk.for_thread(thread_key)
        if job is None or not reference:
            return None
        wanted = reference.strip().casefold()
        row = next((i for i in self.services.bulk.items(job.job_id)
                    if wanted in (i.reference.casefold(), (i.sku or "").casefold())), None)
        if row is None:
            return None
        draft = self.services.drafts.get(row.draft_id, row.draft_version) if row.draft_id else None
        item = ItemResult(row.position, row.reference, row.sku, draft, row.error)
        if item.draft is None:
            return InfoReply(f"{item.reference} has no draft in bulk job {job.job_id} ({status(item)}): "
                             f"{item.error or 'the job was cancelled before it'}.")
        product = self.services.catalog.get(item.draft.sku)
        if product is None:
            return InfoReply(f"Product {item.draft.sku} is no longer in the catalog.")
        return DraftReply(item.draft, product, facts_for(product),
                          heading=f"Draft {item.draft.draft_id} v{item.draft.version} (bulk job {job.job_id})")


def _progress_line(job: BulkJob, progress: BulkProgress) -> str:
    if progress.cancelled:
        return f":no_entry_sign: Bulk job {job.job_id} cancelled after {progress.finished:,} of {progress.total:,}."
    if progress.complete:
        return (f":white_check_mark: Bulk job {job.job_id}: {progress.finished:,} of {progress.total:,} done "
                f"({progress.failed} failed).")
    eta = progress.eta_s
    return (f":hourglass_flowing_sand: Bulk job {job.job_id}: {progress.finished:,} of {progress.total:,} done "
            f"({progress.failed} failed) · {progress.rate:.1f}/s"
            + (f" · about {eta:.0f} s left" if eta is not None else "") + ". Say `cancel` here to stop it.")

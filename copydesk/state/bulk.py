"""Bulk jobs: one request drafting many products (a category, a CSV), with a row per product.

A bulk job survives its worker: the progress counts live here, each product's row says whether it is
done, and `finish_item` counts a product once even when a redelivered job finishes it again. The same
inputs give the same `inputs_hash`, so a repeated request can find the job already made for it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from copydesk.errors import NotFoundError
from copydesk.state.db import Database
from copydesk.state.factory import open_database
from copydesk.state.schema import bulk_items, bulk_jobs

if TYPE_CHECKING:
    from copydesk.settings import Settings

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
PENDING = "pending"
FINISHED = (DONE, FAILED, CANCELLED)


@dataclass(frozen=True)
class BulkJob:
    job_id: str
    status: str
    inputs_hash: str
    user: str | None
    channel_id: str | None
    thread_key: str | None
    message_ts: str | None
    options: dict[str, Any]
    total: int
    done: int
    failed: int
    created_at: float
    updated_at: float

    @property
    def finished(self) -> int:
        return self.done + self.failed


@dataclass(frozen=True)
class BulkItem:
    job_id: str
    position: int
    reference: str
    status: str  # pending, done, failed
    sku: str | None
    draft_id: str | None
    draft_version: int | None
    error: str | None


def inputs_hash(references: list[str], options: dict[str, Any] | None = None) -> str:
    """The same products with the same options: the same hash (order kept: it is the order of the output)."""
    canonical = json.dumps({"references": references, "options": options or {}}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class BulkStore:
    def __init__(self, database: Database | Settings | Path | str) -> None:
        self.db = open_database(database)

    def create(self, references: list[str], *, user: str | None = None, channel_id: str | None = None,
               thread_key: str | None = None, options: dict[str, Any] | None = None) -> BulkJob:
        """A new job (status "queued") with one pending row per reference, in order."""
        options = options or {}
        digest = inputs_hash(references, options)
        now = time.time()
        for _ in range(8):  # a clash of random ids is rare; retrying is simpler than a counter
            job_id = "b-" + secrets.token_hex(4)
            try:
                with self.db.write() as conn:
                    conn.execute(bulk_jobs.insert().values(
                        job_id=job_id, status=QUEUED, inputs_hash=digest, user=user, channel_id=channel_id,
                        thread_key=thread_key, options=json.dumps(options), total=len(references), done=0, failed=0,
                        created_at=now, updated_at=now))
                    if references:
                        conn.execute(bulk_items.insert(), [
                            dict(job_id=job_id, position=i, reference=ref, status=PENDING, updated_at=now)
                            for i, ref in enumerate(references)])
                return self.get(job_id)
            except IntegrityError:
                continue
        raise RuntimeError("could not find an unused bulk job id")

    def get(self, job_id: str) -> BulkJob:
        with self.db.read() as conn:
            row = conn.execute(select(bulk_jobs).where(bulk_jobs.c.job_id == job_id)).first()
        if row is None:
            raise NotFoundError(f"No bulk job {job_id}.", hint="Bulk job ids look like b-1a2b3c4d.")
        return _job(row)

    def find(self, digest: str, *, unfinished_only: bool = True) -> BulkJob | None:
        """The newest job with these inputs (by default only one still queued or running)."""
        query = select(bulk_jobs).where(bulk_jobs.c.inputs_hash == digest)
        if unfinished_only:
            query = query.where(bulk_jobs.c.status.in_([QUEUED, RUNNING]))
        with self.db.read() as conn:
            row = conn.execute(query.order_by(bulk_jobs.c.created_at.desc()).limit(1)).first()
        return _job(row) if row else None

    def for_thread(self, thread_key: str) -> BulkJob | None:
        """The newest job started in a conversation thread (its `cancel`, `approve all`, a SKU typed there)."""
        query = select(bulk_jobs).where(bulk_jobs.c.thread_key == thread_key)
        with self.db.read() as conn:
            row = conn.execute(query.order_by(bulk_jobs.c.created_at.desc()).limit(1)).first()
        return _job(row) if row else None

    def items(self, job_id: str, *, status: str | None = None) -> list[BulkItem]:
        query = select(bulk_items).where(bulk_items.c.job_id == job_id)
        if status is not None:
            query = query.where(bulk_items.c.status == status)
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(bulk_items.c.position)).all()
        return [BulkItem(r.job_id, r.position, r.reference, r.status, r.sku, r.draft_id, r.draft_version, r.error)
                for r in rows]

    def finish_item(self, job_id: str, position: int, *, sku: str | None = None, draft_id: str | None = None,
                    draft_version: int | None = None, error: str | None = None) -> bool:
        """Mark one product done (with its draft) or failed (with the error shown to the user). Counted once:
        False when the row was already finished (a redelivered job doing it again)."""
        status = FAILED if error else DONE
        now = time.time()
        with self.db.write() as conn:
            changed = conn.execute(update(bulk_items).where(
                bulk_items.c.job_id == job_id, bulk_items.c.position == position, bulk_items.c.status == PENDING)
                .values(status=status, sku=sku, draft_id=draft_id, draft_version=draft_version, error=error,
                        updated_at=now).returning(bulk_items.c.position)).all()
            if not changed:
                return False
            counter = bulk_jobs.c.failed if error else bulk_jobs.c.done
            conn.execute(update(bulk_jobs).where(bulk_jobs.c.job_id == job_id)
                         .values({counter: counter + 1, bulk_jobs.c.updated_at: now}))
        return True

    def set_status(self, job_id: str, status: str) -> None:
        with self.db.write() as conn:
            conn.execute(update(bulk_jobs).where(bulk_jobs.c.job_id == job_id)
                         .values(status=status, updated_at=time.time()))

    def set_message(self, job_id: str, message_ts: str) -> None:
        """The Slack message that shows this job's progress (updated in place)."""
        with self.db.write() as conn:
            conn.execute(update(bulk_jobs).where(bulk_jobs.c.job_id == job_id)
                         .values(message_ts=message_ts, updated_at=time.time()))


def _job(row: Any) -> BulkJob:
    values = row._asdict()
    values["options"] = json.loads(values["options"] or "{}")
    return BulkJob(**values)

"""Jobs on the queue and the workers serving it, in the shared database.

The broker (Redis) carries the messages; this table carries what a message cannot: whether a job already
ran. A job id comes from the Slack event, so a retry delivered to another replica maps to the same row.
A worker claims a job before running it and finishes it after its answer is posted. A redelivered message
(its worker died, or the broker's visibility timeout passed) finds the job done, running elsewhere with a
fresh heartbeat (try again later), or abandoned (run it again).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import and_, delete, func, or_, select, update

from copydesk.state.db import Database
from copydesk.state.factory import open_database
from copydesk.state.schema import jobs, workers

if TYPE_CHECKING:
    from copydesk.settings import Settings

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
Claim = Literal["run", "rerun", "done", "busy"]


@dataclass(frozen=True)
class LiveWorker:
    worker: str
    queues: list[str]
    concurrency: int
    heartbeat_at: float


class JobStore:
    def __init__(self, database: Database | Settings | Path | str, *, stale_after_s: float = 60.0) -> None:
        """`stale_after_s`: a running job whose worker has not beaten for this long is taken as abandoned."""
        self.db = open_database(database)
        self.stale_after_s = stale_after_s

    # --- the bot side ----------------------------------------------------------------------
    def enqueue(self, job_id: str, *, kind: str, queue: str, user: str | None, thread_key: str | None) -> bool:
        """Record a job before its message is sent; False when the id is already known (a repeat)."""
        insert = self.db.insert(jobs).values(job_id=job_id, kind=kind, queue=queue, user=user, thread_key=thread_key,
                                             status=QUEUED, attempts=0, created_at=time.time())
        insert = insert.on_conflict_do_nothing(index_elements=["job_id"]).returning(jobs.c.job_id)
        with self.db.write() as conn:
            return bool(conn.execute(insert).all())

    def forget(self, job_id: str) -> None:
        """A job whose message could not be sent (the broker is down) is not waiting anywhere."""
        with self.db.write() as conn:
            conn.execute(delete(jobs).where(jobs.c.job_id == job_id, jobs.c.status == QUEUED))

    def active_for_user(self, user: str | None) -> int:
        with self.db.read() as conn:
            return conn.execute(select(func.count()).select_from(jobs).where(
                jobs.c.user == user, jobs.c.status.in_([QUEUED, RUNNING]))).scalar_one()

    def position(self, job_id: str) -> int:
        """0: a worker is free for it; k > 0: k-th in line (jobs ahead of it beyond the live workers' slots)."""
        with self.db.read() as conn:
            row = conn.execute(select(jobs.c.queue, jobs.c.created_at).where(jobs.c.job_id == job_id)).first()
            if row is None:
                return 0
            ahead = conn.execute(select(func.count()).select_from(jobs).where(
                jobs.c.queue == row.queue, jobs.c.status.in_([QUEUED, RUNNING]), jobs.c.job_id != job_id,
                jobs.c.created_at <= row.created_at)).scalar_one()
        slots = sum(w.concurrency for w in self.live_workers() if row.queue in w.queues)
        return max(0, ahead - slots + 1)

    def status(self, job_id: str) -> str | None:
        with self.db.read() as conn:
            return conn.execute(select(jobs.c.status).where(jobs.c.job_id == job_id)).scalar()

    def counts(self) -> dict[str, dict[str, int]]:
        """{queue: {status: count}} of the jobs not yet finished (doctor)."""
        with self.db.read() as conn:
            rows = conn.execute(select(jobs.c.queue, jobs.c.status, func.count()).where(
                jobs.c.status.in_([QUEUED, RUNNING])).group_by(jobs.c.queue, jobs.c.status)).all()
        found: dict[str, dict[str, int]] = {}
        for queue, status, count in rows:
            found.setdefault(queue, {})[status] = count
        return found

    # --- the worker side -------------------------------------------------------------------------
    def claim(self, job_id: str, worker: str, *, kind: str = "?", queue: str = "?") -> Claim:
        """"run": this worker runs it now; "rerun": the same, but an earlier attempt started and never finished
        (its worker died: it may have posted its answer already); "done": it already ran (drop the message);
        "busy": another worker is running it and is alive (look again later)."""
        now = time.time()
        takeable = or_(jobs.c.status == QUEUED,
                       and_(jobs.c.status == RUNNING, jobs.c.heartbeat_at < now - self.stale_after_s))
        with self.db.write() as conn:
            taken = conn.execute(update(jobs).where(jobs.c.job_id == job_id, takeable).values(
                status=RUNNING, worker=worker, attempts=jobs.c.attempts + 1, started_at=now, heartbeat_at=now)
                .returning(jobs.c.attempts)).all()
            if taken:
                return "run" if taken[0].attempts == 1 else "rerun"
            status = conn.execute(select(jobs.c.status).where(jobs.c.job_id == job_id)).scalar()
            if status is None:  # sent without a row (e.g. by `celery call`): run it, recorded from now on
                conn.execute(jobs.insert().values(job_id=job_id, kind=kind, queue=queue, status=RUNNING, attempts=1,
                                                  worker=worker, created_at=now, started_at=now, heartbeat_at=now))
                return "run"
        return "done" if status in (DONE, FAILED) else "busy"

    def finish(self, job_id: str, worker: str, *, error: str | None = None) -> None:
        with self.db.write() as conn:
            conn.execute(update(jobs).where(jobs.c.job_id == job_id, jobs.c.worker == worker).values(
                status=FAILED if error else DONE, finished_at=time.time(), error=error))

    # --- workers ---------------------------------------------------------------------------------------
    def beat(self, worker: str, *, queues: list[str], concurrency: int) -> None:
        """The worker is alive: its row, and the jobs it is running, get a fresh heartbeat."""
        now = time.time()
        values = dict(worker=worker, queues=",".join(queues), concurrency=concurrency, started_at=now, heartbeat_at=now)
        upsert = self.db.insert(workers).values(**values).on_conflict_do_update(
            index_elements=["worker"], set_={"heartbeat_at": now, "queues": values["queues"],
                                             "concurrency": concurrency})
        with self.db.write() as conn:
            conn.execute(upsert)
            conn.execute(update(jobs).where(jobs.c.worker == worker, jobs.c.status == RUNNING)
                         .values(heartbeat_at=now))

    def prune(self, older_than_s: float) -> int:
        """Forget finished jobs older than this, and workers silent for as long (the tables stay small)."""
        cutoff = time.time() - older_than_s
        with self.db.write() as conn:
            gone = conn.execute(delete(jobs).where(jobs.c.status.in_([DONE, FAILED]),
                                                   jobs.c.finished_at < cutoff)).rowcount
            conn.execute(delete(workers).where(workers.c.heartbeat_at < cutoff))
        return gone

    def leave(self, worker: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(workers).where(workers.c.worker == worker))

    def live_workers(self) -> list[LiveWorker]:
        cutoff = time.time() - self.stale_after_s
        with self.db.read() as conn:
            rows = conn.execute(select(workers).where(workers.c.heartbeat_at >= cutoff)).all()
        return [LiveWorker(r.worker, r.queues.split(","), r.concurrency, r.heartbeat_at) for r in rows]

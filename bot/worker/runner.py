"""The bot's side of the queue: `CeleryRunner.submit(user, job)` records the job in the database and sends
it to its Celery queue; a `copydesk worker` runs it (bot/worker/tasks.py) and posts the answer itself.

The per-user limit and the place in the queue come from the jobs table, so they hold across replicas.
A broker that cannot be reached is a QueueUnavailableError, which the bot shows in the thread.
"""

from __future__ import annotations

import logging
import time

from kombu.utils.url import maybe_sanitize_url

from bot.slack.pool import Job, Ticket
from bot.worker.app import QUEUE_OF_KIND, STALE_AFTER_S, TASK_OF_KIND, create_celery
from copydesk.errors import QueueUnavailableError, RateLimitedError
from copydesk.settings import Settings
from copydesk.state.db import Database
from copydesk.state.jobs import JobStore

log = logging.getLogger("copydesk.bot")
# A broker that is down answers "connection refused" at once; one quick retry covers a blip.
SEND_RETRY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}


class CeleryRunner:
    def __init__(self, settings: Settings, database: Database) -> None:
        self.celery = create_celery(settings)
        self.jobs = JobStore(database, stale_after_s=STALE_AFTER_S)
        self.per_user = settings.user_queue_limit
        self.broker = maybe_sanitize_url(settings.broker_url or "")
        self._sent: list[str] = []

    def submit(self, user: str | None, job: Job) -> Ticket:
        active = self.jobs.active_for_user(user)
        if active >= self.per_user:
            waiting = sum(c.get("queued", 0) for c in self.jobs.counts().values())
            raise RateLimitedError(
                f"You already have {active} requests in progress (the limit is {self.per_user}); "
                f"{waiting} request(s) are waiting in the queue. Send this one again when one of yours is done.",
                position=waiting)
        queue = QUEUE_OF_KIND[job.kind]
        if not self.jobs.enqueue(job.job_id, kind=job.kind, queue=queue, user=user, thread_key=job.thread_key):
            log.info("job %s is already queued; not sending it twice", job.job_id)
            return Ticket(job.job_id, 0)
        try:
            self.celery.send_task(TASK_OF_KIND[job.kind], args=[job.to_json()], task_id=job.job_id, queue=queue,
                                  retry=True, retry_policy=SEND_RETRY)
        except Exception as error:  # noqa: BLE001 - kombu and redis raise several types for one cause
            self.jobs.forget(job.job_id)
            raise QueueUnavailableError(
                f"copydesk cannot reach its job queue at {self.broker} ({type(error).__name__}: "
                f"{str(error).splitlines()[0] if str(error) else 'no answer'}), so your request was not queued.",
                hint="Send it again in a minute; whoever runs copydesk can check the queue with `copydesk doctor`.",
            ) from error
        self._sent.append(job.job_id)
        return Ticket(job.job_id, self.jobs.position(job.job_id))

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Until every job sent from here is done or failed (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.jobs.status(job_id) in ("done", "failed", None) for job_id in self._sent):
                return True
            time.sleep(0.2)
        return False

    def shutdown(self, wait: bool = True) -> None:
        self.celery.close()

"""The Celery tasks, one per kind of job (copydesk.draft, .polish, .image, .bulk), and `run_worker`.

Each task claims its job in the jobs table before running it: a job that already ran is dropped (a
redelivered message after its worker died between posting and acknowledging), one that another live
worker is running is looked at again a few seconds later, one whose worker stopped beating is run here,
unless the thread already shows its answer (answers carry their job id as Slack message metadata).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any, Callable

from celery import Celery, Task

from bot.slack.pool import Job
from bot.worker.app import HEARTBEAT_S, QUEUE_OF_KIND, TASK_OF_KIND, create_celery
from bot.worker.context import WorkerContext
from copydesk.settings import Settings

log = logging.getLogger("copydesk.worker")


def register_tasks(app: Celery, context: Callable[[], WorkerContext]) -> None:
    for kind, name in TASK_OF_KIND.items():
        app.task(name=name, bind=True, max_retries=None, acks_late=True)(_task_body(kind, context))


def _task_body(kind: str, context: Callable[[], WorkerContext]) -> Callable[[Task, dict[str, Any]], None]:
    def run(task: Task, data: dict[str, Any]) -> None:
        job = Job.from_json(data)
        ctx = context()
        claim = ctx.jobs.claim(job.job_id, ctx.worker_id, kind=job.kind, queue=QUEUE_OF_KIND[kind])
        if claim == "done":
            log.info("job %s already ran; dropping the redelivered message", job.job_id)
            return
        if claim == "busy":
            raise task.retry(countdown=HEARTBEAT_S)
        if claim == "rerun" and ctx.bot.already_answered(job):  # its worker died after posting, before finishing
            log.info("job %s was answered by a worker that died before recording it", job.job_id)
            ctx.jobs.finish(job.job_id, ctx.worker_id)
            return
        try:
            ctx.bot.run_job(job)
        except BaseException as error:
            ctx.jobs.finish(job.job_id, ctx.worker_id, error=f"{type(error).__name__}: {error}"[:500])
            raise
        ctx.jobs.finish(job.job_id, ctx.worker_id)

    run.__name__ = f"run_{kind}"
    return run


def run_worker(settings: Settings, queues: list[str], concurrency: int) -> None:
    """Load the models once, then serve `queues` with `concurrency` threads sharing them, until stopped."""
    app = create_celery(settings)
    context = WorkerContext(settings, queues, concurrency)
    context.warm_up()
    register_tasks(app, lambda: context)
    context.start_heartbeat()
    log.info("copydesk worker %s serving %s with %d threads", context.worker_id, ",".join(queues), concurrency)
    try:
        app.worker_main(["worker", "--queues", ",".join(queues), "--pool", "threads",
                         "--concurrency", str(concurrency), "--loglevel", settings.log_level.upper(),
                         "--hostname", f"copydesk-{os.getpid()}@{socket.gethostname()}",
                         "--without-gossip", "--without-mingle", "--without-heartbeat"])
    finally:
        context.leave()

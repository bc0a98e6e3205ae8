"""The Celery app shared by the bot (which sends jobs) and `copydesk worker` (which runs them).

Queues: `copy` (drafts, polish), `image` and `bulk`. Interactive work comes first: a worker serving several
queues takes from them in the order given (`copy,image,bulk`: bulk only when nothing interactive waits), and
the default `copydesk worker` leaves bulk to workers of its own. Delivery is at least once (acks_late: a
job is acknowledged after it ran, so a worker killed mid-job leaves it to another), and the jobs table
(copydesk/state/jobs.py) turns that into exactly one answer. Results travel through the database and
Slack's Web API, so no result backend is configured.
"""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from copydesk.errors import ConfigError
from copydesk.settings import Settings

QUEUES = ("copy", "image", "bulk")
QUEUE_OF_KIND = {"draft": "copy", "polish": "copy", "image": "image", "bulk": "bulk"}
TASK_OF_KIND = {kind: f"copydesk.{kind}" for kind in QUEUE_OF_KIND}
HEARTBEAT_S = 5.0  # a worker's heartbeat into the database
STALE_AFTER_S = 30.0  # no heartbeat for this long: the worker is gone and its running jobs are taken over


def create_celery(settings: Settings) -> Celery:
    if not settings.broker_url:
        raise ConfigError("COPYDESK_BROKER_URL is not set, so there is no job queue.",
                          hint="Set it to the Redis of your deployment, e.g. redis://redis:6379/0 (docs/deploy.md).")
    app = Celery("copydesk", broker=settings.broker_url, set_as_current=False)
    transport = {
        "visibility_timeout": settings.job_visibility_timeout_s,
        "queue_order_strategy": "priority",  # the order of --queues is the order of preference
        "global_keyprefix": settings.broker_prefix,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
        # look for messages of dead workers at least every visibility timeout, not once an hour
        "unacked_restore_interval": max(1, min(10, settings.job_visibility_timeout_s // 2)),
        "unacked_restore_throttle": 1,
    }
    app.conf.update(
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="copy",
        task_routes={task: {"queue": QUEUE_OF_KIND[kind]} for kind, task in TASK_OF_KIND.items()},
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,  # a busy worker does not hold jobs another could start
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options=transport,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        task_ignore_result=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
    )
    return app

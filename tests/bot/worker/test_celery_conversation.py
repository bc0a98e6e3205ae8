"""Conversations through Celery on the local Redis: the bot (HTTP, in this process) queues each request,
a `copydesk worker` process started here runs it and posts the answer to the Slack stand-in itself.
A conversation continues across messages (the draft is found in the shared database), a retried event
and a redelivered job get no second answer, and a queue that cannot be reached is said in the thread."""

from __future__ import annotations

import os
import time

import pytest

from tests.bot.conftest import final_answers, said_in_thread, start_http_bot

pytestmark = pytest.mark.server
CHANNEL = "C0TEST"


def _drafts(bot, thread_ts: str, count: int = 1, timeout: float = 120) -> list[str]:
    def drafts(calls) -> list[str]:
        return [a for a in final_answers(calls, CHANNEL, thread_ts) if "Facts used" in a]

    bot.slack.wait_for(lambda calls: len(drafts(calls)) >= count, timeout)
    return drafts(list(bot.slack.calls))


def test_a_worker_process_answers_and_the_conversation_continues(slack, make_services, sample_catalog, redis_url):
    from bot.worker.app import create_celery
    from copydesk.state.jobs import JobStore

    # first drafts only (no polish with the tiny model): this is about the way there, not the words
    with start_http_bot(slack, make_services, broker_url=redis_url, polish_budget_s=0) as bot:
        product = sample_catalog.products[0]
        sent, ts = bot.sender.mention(f"draft {product.sku}", event_id="EvCELERY1")
        again, _ = bot.sender.mention(f"draft {product.sku}", event_id="EvCELERY1", ts=ts, retry_num=1)
        assert sent.status == again.status == 200 and sent.seconds < 3.0
        first = _drafts(bot, ts)[0]
        assert product.sku in first
        draft_id = first.split("Draft ", 1)[1].split(" ", 1)[0]

        jobs = JobStore(bot.services.database)
        job_id = f"msg:{CHANNEL}:{ts}"
        assert bot.bot.pool.wait_idle(60) and jobs.status(job_id) == "done"
        with jobs.db.read() as conn:
            worker = conn.exec_driver_sql(f"SELECT worker FROM jobs WHERE job_id = '{job_id}'").scalar()
        assert worker and not worker.endswith(f":{os.getpid()}")  # run by the other process
        assert bot.bot.state.event_status("event:EvCELERY1") == "answered"

        # the next message of the thread refines the same draft, in the worker, through the database
        bot.sender.thread_reply("shorter", thread_ts=ts)
        slack.wait_for(lambda calls: any(f"Draft {draft_id} v2" in a for a in final_answers(calls, CHANNEL, ts)), 120)
        assert bot.bot.pool.wait_idle(60)
        answers = len(final_answers(list(slack.calls), CHANNEL, ts))

        # the broker hands the first job out again (as after a worker died before acknowledging): dropped
        celery = create_celery(bot.services.settings)
        payload = {"job_id": job_id, "kind": "draft", "handler": "turn", "user": "U0ALICE",
                   "thread_key": f"slack:{CHANNEL}:{ts}",
                   "payload": {"text": f"draft {product.sku}", "files": [], "answers": [],
                               "where": {"channel": CHANNEL, "thread_ts": ts, "user": "U0ALICE", "team": None,
                                         "assistant": False}}}
        celery.send_task("copydesk.draft", args=[payload], task_id=job_id, queue="copy")
        time.sleep(3)  # a second answer, if there were one, would arrive now
        assert len(final_answers(list(slack.calls), CHANNEL, ts)) == answers
        assert len(slack.calls_to("reactions.add")) == 2  # the mention and the reply, the retry not


def test_a_queue_that_cannot_be_reached_is_said_in_the_thread(slack, make_services):
    with start_http_bot(slack, make_services, broker_url="redis://127.0.0.1:9/0", start_worker=False) as bot:
        _, ts = bot.sender.mention("draft anything")
        slack.wait_for(lambda calls: any("job queue" in s for s in said_in_thread(calls, CHANNEL, ts)), 30)
        text = " ".join(said_in_thread(list(slack.calls), CHANNEL, ts))
        assert "cannot reach its job queue at redis://127.0.0.1:9/0" in text and "ref-" in text
        from copydesk.state.jobs import JobStore

        assert JobStore(bot.services.database).status(f"msg:{CHANNEL}:{ts}") is None  # nothing left queued

"""Bulk jobs in Slack, end to end through the stand-in: `/copydesk bulk` answers at once with the count and
an estimate, one progress message is updated in place, the result file is uploaded into the thread,
"approve all clean drafts" approves them, a SKU typed there opens its draft, `cancel` stops a job, and a
single draft asked for during a bulk job is answered before the job ends (interactive requests go first)."""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter

from tests.bot.conftest import final_answers, said_in_thread, start_http_bot

CHANNEL = "C0TEST"


def _thread_of_command(slack, text: str) -> str:
    [parent] = [c for c in slack.calls_to("chat.postMessage")
                if not c.args.get("thread_ts") and text in str(c.args.get("text"))]
    return parent.response["ts"]


def _uploads(slack, thread_ts: str):
    return [c for c in slack.calls_to("files.completeUploadExternal") if c.args.get("thread_ts") == thread_ts]


def _uploaded_rows(slack, thread_ts: str) -> list[dict[str, str]]:
    [done] = _uploads(slack, thread_ts)
    file_id = done.args["files"][0]["id"]
    return list(csv.DictReader(io.StringIO(slack.files[file_id].decode("utf-8"))))


class Gate:
    """Holds the bulk job's drafting at a chosen product until the test opens it (the real chain runs)."""

    def __init__(self, chain, user: str, at: int) -> None:  # noqa: ANN001
        self.inner, self.user, self.at = chain.first_draft, user, at
        self.reached, self.open = threading.Event(), threading.Event()
        self.count = 0
        chain.first_draft = self

    def __call__(self, product, **kwargs):  # noqa: ANN001, ANN003, ANN204
        if kwargs.get("user") == self.user:
            self.count += 1
            if self.count == self.at:
                self.reached.set()
                assert self.open.wait(60), "the test never opened the gate"
        return self.inner(product, **kwargs)


def test_slash_bulk_progress_file_approve_all_and_review_in_the_thread(slack, make_services, sample_catalog):
    with start_http_bot(slack, make_services, polish_budget_s=0, bulk_slice_s=0.01,
                        stream_update_interval_s=0.2) as bot:
        levels = Counter(level.strip() for p in sample_catalog.products if p.category
                         for level in p.category.split(">"))
        part = levels.most_common(1)[0][0]
        expected = [p.sku for p in bot.services.catalog.in_category(part)]
        toy = next(p for p in sample_catalog.products if p.sku == expected[-1])
        sent = bot.sender.command(f"bulk category {part}")
        assert sent.status == 200 and "thread" in sent.body
        ts = _thread_of_command(slack, "/copydesk bulk")
        slack.wait_for(lambda calls: len(_uploads(slack, ts)) == 1, 120)
        bot.wait_idle()

        said = said_in_thread(list(slack.calls), CHANNEL, ts)
        assert f"Drafting {len(expected)} products" in said[0] and "about" in said[0]  # answered at once
        progress_posts = [c for c in slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == ts
                          and str(c.args.get("text")).startswith((":hourglass", ":white_check_mark:"))]
        assert len(progress_posts) == 1  # one progress message, then updated in place
        progress_ts = progress_posts[0].response["ts"]
        updates = [c.args["text"] for c in slack.calls_to("chat.update") if c.args.get("ts") == progress_ts]
        assert updates and f"{len(expected)} of {len(expected)} done" in updates[-1]

        rows = _uploaded_rows(slack, ts)
        assert [r["sku"] for r in rows] == expected and all(r["status"] == "drafted" for r in rows)
        summary = final_answers(list(slack.calls), CHANNEL, ts)[-1]
        clean = sum(r["clean"] == "yes" for r in rows)
        job_id = summary.split("Bulk job ", 1)[1].split(" ", 1)[0]
        assert f"Approve all {clean} clean drafts" in summary and "Type a SKU" in summary

        bot.sender.action("copydesk_bulk_approve", job_id, thread_ts=ts)
        slack.wait_for(lambda calls: any(f"Approved {clean} clean draft" in s
                                         for s in said_in_thread(calls, CHANNEL, ts)), 30)
        assert sorted(d.sku for d in bot.services.drafts.approved(CHANNEL)) == sorted(
            r["sku"] for r in rows if r["clean"] == "yes")

        bot.sender.thread_reply(toy.sku, thread_ts=ts)
        slack.wait_for(lambda calls: any(f"(bulk job {job_id})" in a for a in final_answers(calls, CHANNEL, ts)), 30)


def test_cancel_in_the_thread_stops_the_job_and_the_file_says_what_was_done(slack, make_services,
                                                                            sample_catalog):
    with start_http_bot(slack, make_services, polish_budget_s=0, broker_url=None, workers=2) as bot:
        gate = Gate(bot.services.copy_chain, "U0ALICE", at=3)
        listing = "\n".join(p.sku for p in sample_catalog.products).encode()
        file = slack.add_file(listing, mimetype="text/csv", name="skus.csv")
        _, ts = bot.sender.mention("bulk", files=[file], user="U0ALICE")
        assert gate.reached.wait(60)
        bot.sender.thread_reply("cancel", thread_ts=ts, user="U0BOB")
        slack.wait_for(lambda calls: any("Cancelling bulk job" in s for s in said_in_thread(calls, CHANNEL, ts)),
                       30)
        gate.open.set()
        slack.wait_for(lambda calls: len(_uploads(slack, ts)) == 1, 60)
        bot.wait_idle()
        rows = _uploaded_rows(slack, ts)
        drafted = [r for r in rows if r["status"] == "drafted"]
        assert len(drafted) == 3 and len(rows) == len(sample_catalog.products)  # stopped after the one under way
        assert {r["status"] for r in rows[3:]} == {"not drafted"}
        assert "was cancelled" in final_answers(list(slack.calls), CHANNEL, ts)[-1]


def test_a_single_draft_asked_during_a_bulk_job_is_answered_before_the_job_ends(slack, make_services,
                                                                                sample_catalog):
    # one worker: the bulk job and the single draft share it; the job yields it between its slices
    with start_http_bot(slack, make_services, polish_budget_s=0, broker_url=None, workers=1,
                        bulk_slice_s=0.01) as bot:
        gate = Gate(bot.services.copy_chain, "U0ALICE", at=2)
        listing = "\n".join(p.sku for p in sample_catalog.products).encode()
        _, bulk_ts = bot.sender.mention("bulk", files=[slack.add_file(listing, mimetype="text/plain",
                                                                      name="skus.txt")], user="U0ALICE")
        assert gate.reached.wait(60)  # the job is drafting its second product
        product = sample_catalog.products[-1]
        _, single_ts = bot.sender.mention(f"draft {product.sku}", user="U0BOB")
        slack.wait_for(lambda calls: any("number 1 in the queue" in s
                                         for s in said_in_thread(calls, CHANNEL, single_ts)), 30)
        gate.open.set()
        slack.wait_for(lambda calls: len(_uploads(slack, bulk_ts)) == 1, 120)
        bot.wait_idle()

        calls = list(slack.calls)
        answered = next(i for i, c in enumerate(calls) if c.method == "chat.postMessage"
                        and c.args.get("thread_ts") == single_ts and "Facts used" in str(c.args.get("blocks")))
        uploaded = next(i for i, c in enumerate(calls) if c.method == "files.completeUploadExternal"
                        and c.args.get("thread_ts") == bulk_ts)
        assert answered < uploaded, "the single draft waited for the whole bulk job"
        assert len([r for r in _uploaded_rows(slack, bulk_ts) if r["status"] == "drafted"]) == len(
            sample_catalog.products)

"""When Slack refuses a post after the client's retries (429 and 500 storms from the stand-in), the thread is
told and the answer is kept: `resend` posts it, and so does the thread's next message; if even the notice is
refused, that is an ERROR in the log. Unverified previews are recorded until deleted: a failed delete is
retried, then a WARNING; a restart deletes what a crash left."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.engine.replies import InfoReply
from bot.slack.owed import OwedAnswers
from bot.slack.thread import Capabilities, SlackThread
from copydesk.state.outbox import ANSWER, PREVIEW, Outbox
from copydesk.state.threads import BotState
import pytest

from tests.bot.conftest import final_answers, said_in_thread, start_http_bot

CHANNEL = "C0TEST"


@pytest.fixture
def first_draft_bot(slack, make_services):
    """Drafts are first drafts, posted once (no polishing, whose early display would meet the storm first)."""
    with start_http_bot(slack, make_services, polish_budget_s=0) as bot:
        yield bot


def _said(bot, ts: str) -> str:
    return " ".join(said_in_thread(list(bot.slack.calls), CHANNEL, ts))


def _wait_said(bot, ts: str, needle: str, timeout: float = 90) -> None:
    bot.slack.wait_for(lambda calls: any(needle in s for s in said_in_thread(calls, CHANNEL, ts)), timeout)


def test_a_429_storm_keeps_the_draft_and_resend_posts_it(first_draft_bot, sample_catalog):
    http_bot = first_draft_bot
    product = sample_catalog.products[0]
    http_bot.slack.fail("chat.postMessage", status=429, retry_after=1, times=5)  # the client retries 4 times
    _, ts = http_bot.sender.mention(f"draft {product.sku}")
    _wait_said(http_bot, ts, "Slack refused to post my answer here (ratelimited")
    http_bot.wait_idle()
    key = f"slack:{CHANNEL}:{ts}"
    [kept] = http_bot.bot.outbox.owed(kind=ANSWER, thread_key=key)
    draft_id = http_bot.bot.state.thread(key).draft_id
    assert http_bot.services.drafts.get(draft_id).sku == product.sku  # stored, though never shown
    assert not [a for a in final_answers(list(http_bot.slack.calls), CHANNEL, ts) if "Facts used" in a]

    http_bot.sender.thread_reply("resend", thread_ts=ts)
    _wait_said(http_bot, ts, "Facts used")
    http_bot.wait_idle()
    assert "Here is the answer Slack refused" in _said(http_bot, ts)
    assert f"Draft {draft_id}" in _said(http_bot, ts)
    assert http_bot.bot.outbox.owed(kind=ANSWER) == []


def test_a_500_storm_that_swallows_the_notice_too_is_logged_and_the_next_message_brings_the_answer(
        first_draft_bot, sample_catalog, caplog):
    http_bot = first_draft_bot
    product = sample_catalog.products[1]
    http_bot.slack.fail("chat.postMessage", status=500, times=8)  # the answer (3 tries), the notice (3), 2 more
    _, ts = http_bot.sender.mention(f"draft {product.sku}")
    http_bot.slack.wait_for(lambda calls: sum(c.status == 500 for c in calls) >= 6, 60)
    http_bot.wait_idle()
    refused = [r for r in caplog.records if r.levelno == logging.ERROR and "refused the notice" in r.getMessage()]
    assert refused and "the answer stays kept" in refused[0].getMessage()
    key = f"slack:{CHANNEL}:{ts}"
    assert len(http_bot.bot.outbox.owed(kind=ANSWER, thread_key=key)) == 1

    http_bot.sender.thread_reply("facts", thread_ts=ts)  # the next message: the kept draft first, then its answer
    _wait_said(http_bot, ts, f"Facts for {product.sku}")
    http_bot.wait_idle()
    said = _said(http_bot, ts)
    assert said.index("Here is the answer Slack refused") < said.index("Facts used") < said.index("Facts for")
    assert http_bot.bot.outbox.owed(kind=ANSWER) == []


def test_a_storm_that_meets_the_early_draft_still_delivers_the_answer(http_bot, sample_catalog, caplog):
    product = sample_catalog.products[2]
    http_bot.slack.fail("chat.postMessage", status=429, retry_after=1, times=5)
    _, ts = http_bot.sender.mention(f"draft {product.sku}")
    _wait_said(http_bot, ts, "Facts used")
    http_bot.wait_idle()
    assert any("Slack refused showing the draft early" in r.getMessage() for r in caplog.records)
    assert "Something went wrong" not in _said(http_bot, ts)


def test_resend_with_nothing_kept_says_so(http_bot):
    _, ts = http_bot.sender.mention("resend")
    _wait_said(http_bot, ts, "Nothing in this thread is waiting to be sent again")


# --- previews --------------------------------------------------------------------------------------------------
def _thread(slack, state: BotState, outbox: Outbox) -> SlackThread:
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    return SlackThread(client, channel="C1", thread_ts="10.0", user="U1", team="T1", interval_s=0.2, state=state,
                       capabilities=Capabilities(), outbox=outbox)


def test_a_failed_preview_delete_is_retried_then_a_warning_and_the_next_start_deletes_it(slack, tmp_path, caplog):
    state = BotState(tmp_path / "state.sqlite3")
    outbox = Outbox(state.db)
    thread = _thread(slack, state, outbox)
    thread.text("An unverified description")
    [preview] = outbox.owed(kind=PREVIEW)
    assert preview.ref == slack.calls_to("chat.startStream")[0].response["ts"]
    slack.fail("chat.delete", status=200, error="cant_delete_message", times=3)
    thread.deliver([InfoReply("the checked draft")])
    assert len([c for c in slack.calls if c.method == "chat.delete"]) == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("could not delete the unverified preview" in w and "3 tries" in w for w in warnings)
    assert [p.ref for p in outbox.owed(kind=PREVIEW)] == [preview.ref]  # kept for the next start

    OwedAnswers(outbox).recover(WebClient(token="xoxb-test", base_url=slack.api_url))  # "the next start"
    assert slack.calls_to("chat.delete")[-1].args["ts"] == preview.ref
    assert outbox.owed(kind=PREVIEW) == []


def test_a_preview_left_by_a_crash_is_deleted_at_the_next_start_with_a_warning(slack, tmp_path, caplog):
    state = BotState(tmp_path / "state.sqlite3")
    outbox = Outbox(state.db)
    slack.fail("chat.startStream", status=200, error="unknown_method", times=1)  # the one-message preview
    _thread(slack, state, outbox).text("An unverified description")  # ... and the process dies here
    [posted] = slack.calls_to("chat.postMessage")
    assert [p.ref for p in outbox.owed(kind=PREVIEW)] == [posted.response["ts"]]

    OwedAnswers(Outbox(state.db)).recover(WebClient(token="xoxb-test", base_url=slack.api_url))
    assert [c.args["ts"] for c in slack.calls_to("chat.delete")] == [posted.response["ts"]]
    assert outbox.owed(kind=PREVIEW) == []
    assert any("deleted the unverified preview" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)


def test_a_preview_replaced_by_the_checked_draft_is_no_longer_owed(slack, tmp_path):
    state = BotState(tmp_path / "state.sqlite3")
    outbox = Outbox(state.db)
    slack.fail("chat.startStream", status=200, error="unknown_method", times=1)
    thread = _thread(slack, state, outbox)
    thread.text("An unverified description")
    thread.deliver([InfoReply("the checked draft")])
    assert outbox.owed(kind=PREVIEW) == []
    assert slack.calls_to("chat.delete") == []

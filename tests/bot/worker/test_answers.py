"""A worker's answers carry their job id as Slack message metadata, so a job run again after its worker
died (having posted, but before recording it) sees the answer in the thread and does not post twice."""

from __future__ import annotations

from pydantic import SecretStr

from bot.engine.replies import InfoReply
from bot.slack.app import web_client
from bot.slack.bot import SlackBot
from bot.slack.pool import Job
from copydesk.state.threads import BotState


def _job(job_id: str, thread_ts: str) -> Job:
    where = {"channel": "C1", "thread_ts": thread_ts, "user": "U1", "team": None, "assistant": False}
    return Job(job_id, "draft", "note", {"where": where, "answers": [f"event:{job_id}"]}, "U1", f"slack:C1:{thread_ts}")


def test_a_tagged_answer_is_found_in_its_thread_and_only_there(settings, slack):
    settings = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-t"),
                                           "slack_api_url": slack.api_url})
    state = BotState(settings)
    bot = SlackBot(settings, None, state, web_client(settings))  # type: ignore[arg-type] - no engine needed
    bot.handlers["note"] = lambda _bot, job, thread: [InfoReply(f"answer to {job.job_id}")]
    bot.tag_answers = True
    state.first_time("event:j1")
    answered, other = _job("j1", "1.0"), _job("j2", "1.0")
    assert not bot.already_answered(answered)
    bot.run_job(answered)
    [posted] = slack.calls_to("chat.postMessage")
    assert posted.args["metadata"] == {"event_type": "copydesk_answer", "event_payload": {"job_id": "j1"}}
    assert bot.already_answered(answered) and not bot.already_answered(other)
    assert not bot.already_answered(_job("j1", "2.0"))  # another thread
    assert state.event_status("event:j1") == "answered"
    bot.tag_answers = False
    bot.run_job(other)
    assert "metadata" not in slack.calls_to("chat.postMessage")[-1].args  # the in-process pool tags nothing
    bot.pool.shutdown()

"""SlackThread against the Web API stand-in: streamed descriptions, throttled updates, long replies."""

from __future__ import annotations

import time

from slack_sdk import WebClient

from bot.engine.replies import InfoReply
from bot.slack.thread import PREVIEW_LABEL, Capabilities, SlackThread
from copydesk.state.threads import BotState


def _thread(slack, tmp_path, interval: float, capabilities: Capabilities | None = None) -> SlackThread:
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    return SlackThread(client, channel="C1", thread_ts="10.0", user="U1", team="T1", interval_s=interval,
                       state=BotState(tmp_path / "state.sqlite3"), capabilities=capabilities or Capabilities())


def test_description_streams_with_chat_stream_and_finishes_with_the_reply(slack, tmp_path):
    thread = _thread(slack, tmp_path, interval=0.2)
    for word in ["A ", "black ", "kettle ", "that ", "holds ", "1.7 l."]:
        thread.text(word)
        time.sleep(0.05)
    thread.deliver([InfoReply("final text")])
    methods = [c.method for c in slack.calls]
    assert methods[0] == "chat.startStream"
    assert methods[-3:] == ["chat.stopStream", "chat.delete", "chat.postMessage"]
    start = slack.calls[0].args
    assert (start["thread_ts"], start["recipient_team_id"], start["recipient_user_id"]) == ("10.0", "T1", "U1")
    streamed = "".join(c.args.get("markdown_text") or "".join(chunk.get("text", "") for chunk in
                                                               c.args.get("chunks") or []) for c in slack.calls[:-2])
    assert streamed == PREVIEW_LABEL + "\nA black kettle that holds 1.7 l."
    # the unverified preview is removed; the checked reply is its own message in the thread
    assert slack.calls_to("chat.delete")[0].args["ts"] == slack.calls[0].response["ts"]
    [posted] = slack.calls_to("chat.postMessage")
    assert posted.args["thread_ts"] == "10.0" and "final text" in str(posted.args["blocks"])
    assert len(methods) <= 6  # one stream call per 0.2 s, not one per word


def test_without_streaming_one_message_is_updated_at_most_once_per_interval(slack, tmp_path):
    slack.fail("chat.startStream", status=200, error="unknown_method", times=1)
    capabilities = Capabilities()
    thread = _thread(slack, tmp_path, interval=0.3, capabilities=capabilities)
    started = time.monotonic()
    while time.monotonic() - started < 1.0:
        thread.text("word ")
        time.sleep(0.01)
    thread.deliver([InfoReply("the checked draft")])
    assert capabilities.chat_stream is False  # learnt once for the workspace
    [posted] = slack.calls_to("chat.postMessage")
    updates = slack.calls_to("chat.update")
    assert all(u.args["ts"] == posted.response["ts"] for u in updates)
    gaps = [b.at - a.at for a, b in zip([posted, *updates[:-1]], updates[:-1])]
    assert len(updates) >= 3 and all(gap >= 0.28 for gap in gaps), gaps
    assert "the checked draft" in str(updates[-1].args["blocks"])


def test_a_long_reply_goes_out_as_several_messages_in_the_thread(slack, tmp_path):
    thread = _thread(slack, tmp_path, interval=0.2)
    thread.deliver([InfoReply("\n".join(f"line {i} " + "x" * 100 for i in range(2000)))])
    posted = slack.calls_to("chat.postMessage")
    assert len(posted) >= 2
    assert all(len(p.args["blocks"]) <= 50 and p.args["thread_ts"] == "10.0" for p in posted)

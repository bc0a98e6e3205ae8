"""The bot's edges: user text comes back escaped (no @here, @channel or mention through copydesk), the
channel allowlist holds for every command and for reactions, and bodies that are not Slack requests get a 4xx
(413 when too large), never a 500 with a traceback."""

from __future__ import annotations

import json
import logging

from bot.engine.replies import InfoReply
from bot.slack.blocks import render
from bot.slack.http_server import MAX_BODY_BYTES
from tests.bot.conftest import said_in_thread, start_http_bot

CHANNEL = "C0TEST"
RAW = ("<!here>", "<!channel>", "<!everyone>", "<@U0EVE>", "<#C0OTHER>")


def _sent_text(slack) -> str:
    return " ".join(json.dumps(c.args) for c in slack.calls if c.method.startswith("chat."))


def test_rendering_escapes_slack_control_characters():
    [message] = render(InfoReply("Ping <!here> <!channel> <@U1> & <https://evil.example|click>"))
    text = json.dumps(message.blocks) + message.text
    assert "&lt;!here&gt;" in text and "&lt;@U1&gt;" in text and "&amp;" in text
    assert not any(raw in text for raw in ("<!here>", "<!channel>", "<@U1>", "<https://"))


def test_user_text_is_echoed_escaped_never_as_a_broadcast(http_bot):
    # Slack sends a real @here as <!here>, and a typed "<" as &lt;: both come back as text
    _, ts = http_bot.sender.mention("draft <!here> <!channel> &lt;!everyone&gt; <@U0EVE> Tom &amp; Jerry zzqx")
    http_bot.slack.wait_for(lambda calls: any("zzqx" in s for s in said_in_thread(calls, CHANNEL, ts)), 60)
    http_bot.sender.command("draft <!channel> zzqy")
    http_bot.slack.wait_for(lambda calls: any("zzqy" in json.dumps(c.args) for c in calls
                                              if c.method == "chat.postMessage" and not c.args.get("thread_ts")), 30)
    http_bot.wait_idle()
    sent = _sent_text(http_bot.slack)
    assert not [raw for raw in RAW if raw in sent], sent[:2000]
    said = " ".join(said_in_thread(list(http_bot.slack.calls), CHANNEL, ts))
    assert "&lt;!everyone&gt;" in said  # typed as text: shown as text; a real <!here> is dropped as markup
    assert "Tom &amp; Jerry" in said and "&amp;amp;" not in said  # escaped once


def test_the_allowlist_holds_for_every_command_and_reaction(slack, make_services):
    with start_http_bot(slack, make_services, allowed_channels=["C0OK"]) as bot:
        for text in ("help", "brands", "", "export"):
            sent = bot.sender.command(text, channel=CHANNEL)
            assert sent.status == 200 and "not enabled here" in sent.body, (text, sent.body)
        bot.sender.mention("help", channel=CHANNEL)
        bot.slack.wait_calls("chat.postEphemeral")
        state = bot.bot.state
        drafts = bot.services.drafts
        from copydesk.domain import Draft

        draft = drafts.save(Draft(sku="X1", title="A mug"), channel_id=CHANNEL)
        state.remember_message(CHANNEL, "1700000001.000009", draft.draft_id, 1)
        bot.sender.event({"type": "reaction_added", "user": "U0ALICE", "reaction": "+1",
                          "item": {"type": "message", "channel": CHANNEL, "ts": "1700000001.000009"}})
        bot.wait_idle()
        assert drafts.feedback() == []
        sent = _sent_text(bot.slack)
        assert "What copydesk can do" not in sent and "Brands" not in sent
        help_ok = bot.sender.command("help", channel="C0OK")
        assert "What copydesk can do" in help_ok.body or "draft" in help_ok.body


def test_bodies_that_are_not_slack_requests_get_a_4xx_and_no_traceback(http_bot, caplog):
    post = http_bot.sender.post
    json_type, form_type = "application/json", "application/x-www-form-urlencoded"
    cases = [
        (post("{not json", json_type, bad_signature=True), 400),
        (post("{not json", json_type), 400),
        (post("[1, 2]", json_type), 400),
        (post('{"event": "not an object"}', json_type), 400),
        (post("payload=%7Bbroken", form_type), 400),
        (post('payload={"type":"block_actions","actions":"x"}', form_type), 400),
        (post('{"a":' * 20000 + "1" + "}" * 20000, json_type), 400),  # nesting deeper than the parser goes
        (post('{"type":"event_callback","event":{"type":"app_mention"}}', json_type, bad_signature=True), 401),
        (post("x" * (MAX_BODY_BYTES + 1), json_type), 413),
    ]
    assert [status for sent, status in cases] == [sent.status for sent, _ in cases]
    for sent, status in cases:
        assert "Traceback" not in sent.body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    _, ts = http_bot.sender.mention("help")  # still answering
    http_bot.slack.wait_for(lambda calls: any("What copydesk can do" in s
                                              for s in said_in_thread(calls, CHANNEL, ts)), 60)

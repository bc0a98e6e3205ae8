"""No configured secret reaches a log line or Slack. The bot is built the way `copydesk serve` builds it
(bot/slack/runner.build, which installs the log redaction), with planted secrets: the bot token, the signing
secret, an LLM API key and a password in the LLM server's URL (a dead port, so polishing fails and says so).
A representative set of conversations runs through the Slack stand-in, some of them quoting the secrets back
at the bot; then every log record and every request body the stand-in received is searched for them."""

from __future__ import annotations

import json
import logging
import socket
from contextlib import contextmanager
from typing import Iterator

from tests.bot.conftest import RunningHttpBot, final_answers, said_in_thread
from tests.slack_standin import SignedSender, SlackStandIn

CHANNEL = "C0TEST"
BOT_TOKEN = "xoxb-PLANTED-bot-token-0001"
SIGNING = "PLANTED-signing-secret-0002"
API_KEY = "sk-PLANTED-api-key-0003"
URL_PASSWORD = "PLANTED-url-password-0004"
SECRETS = (BOT_TOKEN, SIGNING, API_KEY, URL_PASSWORD)


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + (record.exc_text or ""))


@contextmanager
def planted_bot(slack: SlackStandIn, make_services, tmp_path) -> Iterator[tuple[RunningHttpBot, Records]]:
    from bot.slack.http_server import HttpServer
    from bot.slack.runner import build
    from generators.text.factory import load_text_generator

    records = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.DEBUG)  # the SDKs' own request logs too
    try:
        services = make_services(slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING, slack_api_url=slack.api_url,
                                 llm_api_key=API_KEY, llm_api_base=f"http://llmuser:{URL_PASSWORD}@127.0.0.1:"
                                 f"{_dead_port()}/v1", polish_budget_s=30)
        # the model behind the dead URL (the OpenAI-compatible client connects only when asked to generate)
        services.__dict__["text_generator"] = load_text_generator(services.settings)
        running = build(services.settings, socket_mode=False, services=services)
        server = HttpServer(running.app, 0, host="127.0.0.1").start_background()
        url = f"http://127.0.0.1:{server.port}/slack/events"
        try:
            yield RunningHttpBot(slack, SignedSender(url, SIGNING), running.bot, services, url), records
        finally:
            running.bot.pool.wait_idle(60)
            server.close()
            running.bot.pool.shutdown(wait=True)
    finally:
        root.removeHandler(records)
        root.setLevel(level)


def _wait_said(bot: RunningHttpBot, ts: str, needle: str, timeout: float = 90) -> None:
    bot.slack.wait_for(lambda calls: any(needle in s for s in said_in_thread(calls, CHANNEL, ts)), timeout)


def test_no_secret_in_any_log_line_or_slack_message(slack, make_services, sample_catalog, tmp_path):
    product = sample_catalog.products[0]
    with planted_bot(slack, make_services, tmp_path) as (bot, records):
        _, ts = bot.sender.mention(f"draft {product.sku}")  # polishing fails: the model server is down
        _wait_said(bot, ts, "Polishing failed")
        bot.sender.thread_reply("shorter", thread_ts=ts)
        _wait_said(bot, ts, "(shorter)")
        bot.sender.thread_reply(f"check: My token is {BOT_TOKEN}, my key {API_KEY}, the password {URL_PASSWORD} "
                                f"and the secret {SIGNING}.", thread_ts=ts)
        _wait_said(bot, ts, f"Check of {product.sku}")
        _, image_ts = bot.sender.mention(f"image of {product.sku} on a desk")  # no image model configured
        _wait_said(bot, image_ts, "No image model")
        _, lookup_ts = bot.sender.mention(f"draft the {BOT_TOKEN} {URL_PASSWORD} kettle")
        bot.slack.wait_for(lambda calls: final_answers(calls, CHANNEL, lookup_ts), 60)
        bot.sender.thread_reply("export", thread_ts=ts)
        _wait_said(bot, ts, "Exported")
        bot.slack.fail("chat.postMessage", status=500, times=3)  # past the client's retries: the answer is kept
        _, failing_ts = bot.sender.mention("help")
        _wait_said(bot, failing_ts, "Slack refused to post my answer")
        bot.sender.thread_reply("resend", thread_ts=failing_ts)
        _wait_said(bot, failing_ts, "What copydesk can do")
        bot.wait_idle()

    sent = [json.dumps(call.args) + call.body.decode("utf-8", "replace") for call in slack.calls]
    assert len(sent) > 20 and len(records.lines) > 20
    said = " ".join(said_in_thread(list(slack.calls), CHANNEL, ts))
    assert "***" in said  # the secrets quoted in `check:` were shown masked
    for secret in SECRETS:
        assert not [line for line in records.lines if secret in line], secret
        assert not [body for body in sent if secret in body], secret

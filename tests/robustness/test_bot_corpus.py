"""The bot's half of the bad-input corpus: messages as Slack delivers them (cases/messages.yaml, parsed into
intents) and Slack requests sent to a running bot over HTTP (cases/slack.yaml), each with its expected
outcome. The bot here is the real one (Bolt app, engine, chains, state) on a two-product catalog with a hash
embedder and no language model, so the whole file runs in seconds."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request
from typing import Any, Iterator

import pytest

from bot.engine.intents import parse
from copydesk.settings import Settings
from tests.bot.conftest import said_in_thread
from tests.robustness.test_corpus import build, cases
from tests.slack_standin import SIGNING_SECRET, SignedSender, SlackStandIn
from tests.slack_standin.signed import Sent

BRANDS = ["acme", "northwind", "pebble"]
CHANNEL = "C0TEST"
CONTENT_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded", "text": "text/plain"}


@pytest.mark.parametrize("case", cases("messages.yaml"))
def test_message(case: dict[str, Any]) -> None:
    started = time.perf_counter()
    intent = parse(build(case["text"]), has_draft=case.get("has_draft", False), brands=BRANDS)
    assert time.perf_counter() - started < 3.0
    for name, value in case["expect"].items():
        assert getattr(intent, name) == value, (name, getattr(intent, name))


class Bot:
    def __init__(self, slack: SlackStandIn, sender: SignedSender, url: str, pool: Any) -> None:
        self.slack, self.sender, self.url, self.pool = slack, sender, url, pool
        self._threads = iter(range(1, 10**6))

    def thread_ts(self) -> str:
        return f"1800000000.{next(self._threads):06d}"

    def raw(self, body: bytes, content_type: str, signature: str) -> Sent:
        timestamp = str(int(time.time()) - (600 if signature == "stale" else 0))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp}
        if signature != "none":
            # by hand: the SDK's signer decodes the body as UTF-8 first, and some bodies here are not
            digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
            signed = f"v0={digest.hexdigest()}"
            headers["X-Slack-Signature"] = "v0=" + "0" * 64 if signature == "bad" else signed
        request = urllib.request.Request(self.url, data=body, method="POST", headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Sent(response.status, response.read().decode(), time.perf_counter() - started)
        except urllib.error.HTTPError as error:
            return Sent(error.code, error.read().decode(), time.perf_counter() - started)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    from bot.engine import ConversationEngine
    from bot.services import Services
    from bot.slack.app import create_app
    from bot.slack.http_server import HttpServer
    from copydesk.state.threads import BotState
    from retrieval.catalog import Catalog
    from tests.retrieval.fakes import HashEmbedder
    from tests.services import module_database

    home = tmp_path_factory.mktemp("slack-corpus")
    products = home / "products.csv"
    products.write_text("sku,title,model,colour\nMUG-1,Blue stoneware mug,R1179,Blue\nLAMP-2,Arc desk lamp,AL-200,"
                        "Black\n", encoding="utf-8")
    with module_database() as database_url, SlackStandIn() as slack:
        settings = Settings(home=home / "home", database_url=database_url, polish_budget_s=0, slack_bot_token="xoxb-corpus-token",
                            slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url, workers=2,
                            user_queue_limit=100, stream_update_interval_s=0.2, _env_file=None)
        services = Services(settings)
        catalog = Catalog.open(settings, embedder=HashEmbedder())
        catalog.ingest_products([products])
        services.__dict__["catalog"] = catalog
        state = BotState(services.database)
        app, slack_bot = create_app(settings, ConversationEngine(services, state), state)
        server = HttpServer(app, 0, host="127.0.0.1").start_background()
        url = f"http://127.0.0.1:{server.port}/slack/events"
        try:
            yield Bot(slack, SignedSender(url), url, slack_bot.pool)
        finally:
            slack_bot.pool.wait_idle(30)
            server.close()
            slack_bot.pool.shutdown(wait=True)


def _send(bot: Bot, case: dict[str, Any]) -> tuple[Sent, str | None]:
    """Send the case's request; (the HTTP answer, the thread its answer belongs in, if any)."""
    if "mention" in case:
        ts = bot.thread_ts()
        sent, _ = bot.sender.mention(build(case["mention"]), ts=ts, files=case.get("files"))
        return sent, ts
    if "command" in case:
        return bot.sender.command(case["command"]), None
    if "action" in case:
        ts = bot.thread_ts()
        return bot.sender.action(case["action"]["action_id"], case["action"]["value"], thread_ts=ts), ts
    text = build(case["body"])
    body = text.encode("latin-1" if case.get("latin1") else "utf-8")
    return bot.raw(body, CONTENT_TYPES[case.get("content_type", "json")], case.get("signature", "good")), None


@pytest.mark.parametrize("case", cases("slack.yaml"))
def test_slack_request(case: dict[str, Any], bot: Bot) -> None:
    expect = case["expect"]
    before = len(bot.slack.calls)
    sent, ts = _send(bot, case)
    assert sent.status == expect["status"], sent.body[:300]
    assert "Traceback" not in sent.body
    if ts is not None and "says" in expect:
        bot.slack.wait_for(lambda calls: any(re.search(expect["says"], s) for s in said_in_thread(calls, CHANNEL, ts)),
                           30)
    elif "says" in expect:
        assert re.search(expect["says"], sent.body), sent.body[:300]
    assert bot.pool.wait_idle(30)
    posted = [c for c in bot.slack.calls[before:] if c.method.startswith(("chat.", "files.", "reactions."))]
    if expect.get("silent"):
        assert posted == [], [c.method for c in posted]
    sent_text = " ".join(json.dumps(c.args) for c in posted) + sent.body
    assert not [raw for raw in expect.get("never", []) if raw in sent_text]

"""Fixtures for the bot tests: one catalog of real rows ingested once per session, the tiny text model,
per-test Services (own SQLite home, shared catalog and model), the Slack stand-in and a running bot."""

from __future__ import annotations

import csv
from contextlib import ExitStack, contextmanager
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from copydesk.domain import Product
from copydesk.settings import Settings
from tests.slack_standin import SIGNING_SECRET, SignedSender, SlackStandIn
from tests.slack_standin.webapi import Call

ICECAT_ROWS = 5
TOY_ROWS = 3


@dataclass
class SampleCatalog:
    home: Path  # a COPYDESK_HOME whose Chroma store holds the sample (copy it before writing)
    files: list[Path]
    products: list[Product]


def write_sample_files(shared_data: Path, folder: Path) -> list[Path]:
    """A few real rows of the shared data, in their original formats."""
    folder.mkdir(parents=True, exist_ok=True)
    icecat = folder / "icecat-sample.jsonl"
    with (shared_data / "products" / "icecat-electronics.jsonl").open(encoding="utf-8") as source:
        icecat.write_text("".join(itertools.islice(source, ICECAT_ROWS)), encoding="utf-8")
    toys = folder / "amazon-toys-sample.csv"
    with (shared_data / "products" / "amazon-uk-toys.csv").open(encoding="utf-8", newline="") as source, \
            toys.open("w", encoding="utf-8", newline="") as target:
        rows = csv.reader(source)
        csv.writer(target).writerows(itertools.islice(rows, TOY_ROWS + 1))
    return [icecat, toys]


@pytest.fixture(scope="session")
def sample_catalog(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> SampleCatalog:
    from retrieval.catalog import Catalog
    from retrieval.readers import read_products

    root = tmp_path_factory.mktemp("bot-catalog")
    files = write_sample_files(shared_data, root / "data")
    settings = Settings(home=root / "home", _env_file=None)
    report = Catalog.open(settings).ingest_products(files)
    assert report.added >= ICECAT_ROWS, report
    products = [p for f in files for p in read_products(f) if isinstance(p, Product)]
    return SampleCatalog(settings.home, files, products)


@pytest.fixture(scope="session")
def shared_catalog(sample_catalog: SampleCatalog) -> Any:
    from retrieval.catalog import Catalog

    return Catalog.open(Settings(home=sample_catalog.home, _env_file=None))


@pytest.fixture(scope="session")
def tiny_generator(tiny_lm_dir: Path) -> Any:
    from generators.text.factory import load_text_generator

    return load_text_generator(Settings(llm=str(tiny_lm_dir), _env_file=None))


def bot_settings(home: Path, tiny_lm_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(home=home, llm=str(tiny_lm_dir), candidates=1, max_new_tokens=6,
                                  stream_update_interval_s=0.2, workers=2, user_queue_limit=3, _env_file=None)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def make_services(tmp_path: Path, tiny_lm_dir: Path, shared_catalog: Any, tiny_generator: Any,
                  sample_catalog: SampleCatalog):
    """Services with their own home (drafts, bot state) sharing the session's catalog and tiny model."""
    from bot.services import Services

    def make(**overrides: Any) -> Services:
        services = Services(bot_settings(tmp_path / "home", tiny_lm_dir, **overrides))
        services.__dict__["catalog"] = shared_catalog  # hand in the shared pieces (cached_property slots)
        services.__dict__["text_generator"] = tiny_generator
        return services

    make.catalog_home = sample_catalog.home  # type: ignore[attr-defined] - for worker processes (tests/bot/workers.py)
    make.folder = tmp_path  # type: ignore[attr-defined]
    return make


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@dataclass
class RunningHttpBot:
    slack: SlackStandIn
    sender: SignedSender
    bot: Any  # bot.slack.bot.SlackBot
    services: Any
    url: str
    worker_log: Path | None = None  # with a broker: the worker process's log

    def wait_idle(self, timeout: float = 60.0) -> None:
        assert self.bot.pool.wait_idle(timeout), "the worker pool did not finish in time"

    def logged(self, caplog: Any) -> str:
        """What this process logged, and the worker's log when jobs ran in a worker process."""
        worker = self.worker_log.read_text(errors="replace") if self.worker_log and self.worker_log.exists() else ""
        return caplog.text + worker


@pytest.fixture
def http_bot(slack: SlackStandIn, make_services) -> Iterator[RunningHttpBot]:
    with start_http_bot(slack, make_services) as bot:
        yield bot


@contextmanager
def start_http_bot(slack: SlackStandIn, make_services, **overrides: Any) -> Iterator[RunningHttpBot]:
    """The bot on a local port. With a broker (`broker_url=` here, or COPYDESK_BROKER_URL for the whole run)
    its jobs go over Redis to a `copydesk worker` process this starts (tests/bot/workers.py)."""
    from bot.engine import ConversationEngine
    from bot.slack.app import create_app
    from bot.slack.http_server import HttpServer
    from copydesk.state.threads import BotState
    from tests.bot.workers import new_prefix, worker_process
    from tests.services import SUITE_BROKER_URL

    start_worker = overrides.pop("start_worker", True)  # False: a bot whose queue nobody serves
    if SUITE_BROKER_URL and "broker_url" not in overrides:
        overrides = {"broker_url": SUITE_BROKER_URL, **overrides}
    if overrides.get("broker_url") and "broker_prefix" not in overrides:
        overrides["broker_prefix"] = new_prefix()
    services = make_services(slack_bot_token="xoxb-test-token", slack_signing_secret=SIGNING_SECRET,
                             slack_api_url=slack.api_url, **overrides)
    state = BotState(services.database)
    with ExitStack() as stack:
        runner, worker_log = None, None
        if services.settings.broker_url:
            from bot.worker.runner import CeleryRunner

            if start_worker:
                worker_log = stack.enter_context(worker_process(services.settings, make_services.catalog_home,
                                                                make_services.folder)).log_path
            runner = CeleryRunner(services.settings, services.database)
        app, bot = create_app(services.settings, ConversationEngine(services, state), state, runner=runner)
        server = HttpServer(app, 0, host="127.0.0.1").start_background()
        url = f"http://127.0.0.1:{server.port}/slack/events"
        try:
            yield RunningHttpBot(slack, SignedSender(url), bot, services, url, worker_log)
        finally:
            bot.pool.wait_idle(30)
            server.close()
            bot.pool.shutdown(wait=True)


# --- reading what the bot said ------------------------------------------------------------------
def _texts(value: Any) -> list[str]:
    """Every "text" string inside a Block Kit structure."""
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        return found + [t for v in value.values() if isinstance(v, (dict, list)) for t in _texts(v)]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def said_in_thread(calls: list[Call], channel: str, thread_ts: str) -> list[str]:
    """What the bot showed in one thread: posted, updated, streamed and uploaded text, in call order."""
    mine: set[str] = set()
    said: list[str] = []
    for call in calls:
        if call.status != 200:
            continue
        args = call.args
        if call.method in ("chat.postMessage", "chat.startStream", "files.completeUploadExternal",
                           "chat.postEphemeral"):
            if args.get("thread_ts") != thread_ts or (args.get("channel") or args.get("channel_id")) != channel:
                continue
            if call.response.get("ts"):
                mine.add(call.response["ts"])
        elif call.method in ("chat.update", "chat.appendStream", "chat.stopStream"):
            if args.get("ts") not in mine:
                continue
        else:
            continue
        said.append(" ".join([str(args.get("text") or ""), str(args.get("markdown_text") or ""),
                              *_texts(args.get("chunks") or []),
                              str(args.get("initial_comment") or ""), *_texts(args.get("blocks") or [])]))
    return said


def final_answers(calls: list[Call], channel: str, thread_ts: str) -> list[str]:
    """Only the finished messages (posted with blocks, updated with blocks, or a stream stopped with blocks)."""
    mine: set[str] = set()
    answers: list[str] = []
    for call in calls:
        if call.status != 200:
            continue
        args = call.args
        if call.method in ("chat.postMessage", "chat.startStream"):
            if args.get("thread_ts") == thread_ts and args.get("channel") == channel:
                mine.add(call.response.get("ts", ""))
                if call.method == "chat.postMessage" and args.get("blocks"):
                    answers.append(" ".join(_texts(args["blocks"])))
        elif call.method in ("chat.update", "chat.stopStream") and args.get("ts") in mine and args.get("blocks"):
            answers.append(" ".join(_texts(args["blocks"])))
    return answers

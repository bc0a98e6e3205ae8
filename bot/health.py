"""Checks of every service copydesk is configured to use, one line each: `copydesk doctor` prints them all,
the HTTP server's /healthz answers the quick ones (database, queue, workers) as JSON.

Each check connects for real with a short timeout and says what is wrong in words a person running
copydesk can act on ("cannot connect to PostgreSQL at db:5432: connection refused. Is it running?").
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from copydesk.settings import Settings

TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def quick_checks(settings: Settings) -> list[Check]:
    """What /healthz reports: the services a replica needs for every request."""
    database = check_database(settings)
    checks = [database]
    if settings.broker_url:
        workers = check_workers(settings) if database.ok else Check(
            "workers", False, "unknown: their heartbeats are in the database, which cannot be reached")
        checks += [check_broker(settings), workers]
    return checks


def all_checks(settings: Settings) -> list[Check]:
    """What `copydesk doctor` reports: every configured service and model."""
    checks = quick_checks(settings)
    for check in (check_chroma, check_text_model, check_embedding_model, check_image_model, check_slack):
        found = _safely(check, settings)
        if found is not None:
            checks.append(found)
    return checks


# --- state and queue ---------------------------------------------------------------------------------
def check_database(settings: Settings) -> Check:
    from sqlalchemy import make_url

    from copydesk.state.db import create_db_engine
    from copydesk.state.factory import database_url
    from copydesk.state.migrate import current, head

    url = make_url(database_url(settings))
    where = (f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database}"
             if url.get_backend_name() == "postgresql" else f"SQLite at {url.database}")
    try:
        engine = create_db_engine(database_url(settings))
    except Exception as error:  # noqa: BLE001 - a bad URL is a failed check, said in one line
        return Check("database", False, f"{where}: {_one_line(error)}")
    try:
        with engine.connect() as conn:
            revision = current(conn)
    except Exception as error:  # noqa: BLE001
        reason = _one_line(getattr(error, "orig", None) or error)
        return Check("database", False, f"cannot connect to {where}: {reason}. Is it running?")
    finally:
        engine.dispose()
    if revision is None:
        return Check("database", True, f"{where} is reachable and empty (copydesk creates its tables on start)")
    if revision != head():
        return Check("database", False, f"{where} is at schema revision {revision}; this copydesk expects "
                                        f"{head()} (start copydesk once to migrate, or upgrade it)")
    return Check("database", True, f"{where}, schema revision {revision}")


def check_broker(settings: Settings) -> Check:
    from kombu import Connection
    from kombu.utils.url import maybe_sanitize_url

    from bot.worker.app import QUEUES

    shown = maybe_sanitize_url(settings.broker_url or "")
    try:
        with Connection(settings.broker_url, connect_timeout=TIMEOUT_S,
                        transport_options={"global_keyprefix": settings.broker_prefix,
                                           "socket_timeout": TIMEOUT_S}) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=TIMEOUT_S)
            channel = conn.default_channel
            waiting = {name: channel.client.llen(settings.broker_prefix + name) for name in QUEUES} \
                if hasattr(channel, "client") else {}
    except Exception as error:  # noqa: BLE001
        return Check("queue", False, f"cannot connect to the broker at {shown}: {_one_line(error)}. Is Redis running?")
    counts = ", ".join(f"{name} {count}" for name, count in waiting.items())
    return Check("queue", True, f"broker at {shown}" + (f", messages waiting: {counts}" if counts else ""))


def check_workers(settings: Settings) -> Check:
    from sqlalchemy import inspect

    from bot.worker.app import QUEUES, STALE_AFTER_S
    from copydesk.state.db import Database, create_db_engine
    from copydesk.state.factory import database_url
    from copydesk.state.jobs import JobStore

    database = Database(create_db_engine(database_url(settings)))  # not migrated: a check changes nothing
    try:
        if not inspect(database.engine).has_table("workers"):
            return Check("workers", False, "none has started yet (the database has no workers table)")
        store = JobStore(database, stale_after_s=STALE_AFTER_S)
        live = store.live_workers()
        counts = store.counts()
    except Exception as error:  # noqa: BLE001
        return Check("workers", False, f"cannot read the workers' heartbeats: {_one_line(error)}")
    finally:
        database.dispose()
    served = {q for w in live for q in w.queues}
    missing = [q for q in QUEUES if q not in served]
    jobs = ", ".join(f"{q}: {c.get('queued', 0)} queued, {c.get('running', 0)} running" for q, c in sorted(counts.items()))
    detail = f"{len(live)} alive ({sum(w.concurrency for w in live)} threads)"
    detail += f"; no worker serves {', '.join(missing)}" if missing else ""
    detail += f"; jobs {jobs}" if jobs else ""
    # a queue nobody serves is fine while nothing waits in it (bulk workers are often started on demand)
    stuck = [q for q in missing if counts.get(q, {}).get("queued")]
    return Check("workers", bool(live) and not stuck, detail)


# --- retrieval, models, Slack ------------------------------------------------------------------------
def check_chroma(settings: Settings) -> Check:
    if not settings.chroma_host:
        path = settings.chroma_path
        if path.is_dir():
            return Check("chroma", True, f"embedded store at {path}")
        return Check("chroma", True, f"embedded store at {path} (not created yet: `copydesk ingest` makes it)")
    base = f"http://{settings.chroma_host}:{settings.chroma_port}"
    error = _http_error(f"{base}/api/v2/heartbeat")
    if error:
        return Check("chroma", False, f"Chroma server at {base}: {error}. Is `chroma run` up?")
    return Check("chroma", True, f"Chroma server at {base}")


def check_text_model(settings: Settings) -> Check:
    if settings.llm_api_base:
        from kombu.utils.url import maybe_sanitize_url

        base = settings.llm_api_base.rstrip("/")
        headers = {"Authorization": f"Bearer {settings.llm_api_key.get_secret_value()}"} if settings.llm_api_key else {}
        error = _http_error(f"{base}/models", headers)
        shown = maybe_sanitize_url(base)
        if error:
            return Check("text model", False, f"LLM server at {shown}: {error}. Is it running (vLLM, TGI)?")
        return Check("text model", True, f"LLM server at {shown}, model {settings.llm_api_model or settings.llm}")
    if settings.llm.startswith("builtin:"):
        from generators.text.builtin import BUILTINS, PREFIX, is_complete, package_folder

        model = BUILTINS.get(settings.llm.removeprefix(PREFIX))
        if model is None:
            return Check("text model", False, f"unknown built-in model {settings.llm}")
        folder = package_folder(model.package, model.install)
        converted = is_complete(settings.models_path / settings.llm.removeprefix(PREFIX))
        return Check("text model", True, f"{settings.llm} from {folder}"
                     + ("" if converted else " (converted on first use, about 30 s)"))
    return _folder_check("text model", Path(settings.llm).expanduser(),
                         "a Hugging Face id: it must already be in the local cache")


def check_embedding_model(settings: Settings) -> Check:
    from retrieval.embeddings import model_folder

    return Check("embedding model", True, f"{settings.embedding_model} at {model_folder(settings.embedding_model)}")


def check_image_model(settings: Settings) -> Check | None:
    if not settings.image_model:
        return None
    return _folder_check("image model", Path(settings.image_model).expanduser(),
                         "a Hugging Face id: it must already be in the local cache")


def check_slack(settings: Settings) -> Check:
    if settings.slack_bot_token is None:
        return Check("slack", True, "not configured (SLACK_BOT_TOKEN unset): terminal chat and CLI only")
    from slack_sdk import WebClient

    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                       timeout=int(TIMEOUT_S))
    try:
        answer = client.auth_test()
    except Exception as error:  # noqa: BLE001
        return Check("slack", False, f"auth.test at {settings.slack_api_url} failed: {_one_line(error)}")
    return Check("slack", True, f"signed in as {answer.get('user')} in {answer.get('team')}")


# --- helpers ---------------------------------------------------------------------------------------------
def _folder_check(name: str, folder: Path, otherwise: str) -> Check:
    if folder.is_dir():
        return Check(name, True, f"folder {folder}")
    return Check(name, True, f"{folder} is not a folder here; taken as {otherwise}")


def _http_error(url: str, headers: dict[str, str] | None = None) -> str | None:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=TIMEOUT_S):
            return None
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} from {error.url}"
    except (urllib.error.URLError, OSError) as error:
        return _one_line(getattr(error, "reason", None) or error)


def _safely(check: Callable[[Settings], Check | None], settings: Settings) -> Check | None:
    try:
        return check(settings)
    except Exception as error:  # noqa: BLE001 - a check that breaks is itself a failed check
        name = check.__name__.removeprefix("check_").replace("_", " ")
        return Check(name, False, _one_line(error))


def _one_line(error: object) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300].rstrip(". ")


class HealthCache:
    """/healthz answers from checks at most `max_age_s` old, so a load balancer probing often costs nothing."""

    def __init__(self, settings: Settings, max_age_s: float = 2.0) -> None:
        self.settings = settings
        self.max_age_s = max_age_s
        self._at = 0.0
        self._checks: list[Check] = []

    def report(self) -> tuple[int, bytes]:
        """(HTTP status, JSON body): 200 when every check passed, else 503."""
        if time.monotonic() - self._at > self.max_age_s:
            self._checks = quick_checks(self.settings)
            self._at = time.monotonic()
        ok = all(c.ok for c in self._checks)
        body = {"ok": ok, "checks": [asdict(c) for c in self._checks]}
        return (200 if ok else 503), json.dumps(body).encode()

"""`copydesk doctor` and /healthz: each configured service checked for real, one line each; a stopped
PostgreSQL or Redis is reported as such. `copydesk worker` refuses to start without a queue."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest
from typer.testing import CliRunner

from bot.cli import app
from copydesk.settings import Settings


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _doctor(monkeypatch: pytest.MonkeyPatch, tmp_path, **env: str) -> tuple[int, list[str]]:
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "home"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["doctor"])
    return result.exit_code, result.output.strip().splitlines()


def test_doctor_on_the_default_set_up_needs_no_service(monkeypatch, tmp_path):
    monkeypatch.delenv("COPYDESK_DATABASE_URL", raising=False)  # a run on PostgreSQL sets it for every test
    code, lines = _doctor(monkeypatch, tmp_path)
    assert code == 0, lines
    assert lines[0].startswith("ok   database: SQLite at ")
    assert {line.split(":")[0] for line in lines} == {"ok   database", "ok   chroma", "ok   text model",
                                                        "ok   embedding model", "ok   slack"}


def test_doctor_says_a_stopped_postgresql_and_redis_are_stopped(monkeypatch, tmp_path):
    pg, redis = _closed_port(), _closed_port()
    code, lines = _doctor(monkeypatch, tmp_path,
                          COPYDESK_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{pg}/test",
                          COPYDESK_BROKER_URL=f"redis://:hunter2@127.0.0.1:{redis}/0")
    assert code == 1
    [database] = [line for line in lines if " database: " in line]
    [queue] = [line for line in lines if " queue: " in line]
    assert database.startswith(f"FAIL database: cannot connect to PostgreSQL at 127.0.0.1:{pg}/test")
    assert "Connection refused" in database and database.endswith("Is it running?")
    assert queue.startswith(f"FAIL queue: cannot connect to the broker at redis://:**@127.0.0.1:{redis}/0")
    assert "Connection refused" in queue and queue.endswith("Is Redis running?")
    assert "hunter2" not in "\n".join(lines)


def test_doctor_with_the_local_postgresql_and_redis(monkeypatch, tmp_path, postgres_url, redis_url):
    code, lines = _doctor(monkeypatch, tmp_path, COPYDESK_DATABASE_URL=postgres_url, COPYDESK_BROKER_URL=redis_url,
                          COPYDESK_BROKER_PREFIX="copydesk-doctor-test:")
    assert lines[0].startswith("ok   database: PostgreSQL at 127.0.0.1:5432/test is reachable and empty")
    assert lines[1].startswith("ok   queue: broker at redis://127.0.0.1:6379/0, messages waiting: copy 0, image 0")
    assert lines[2].startswith("FAIL workers: none has started yet") and code == 1  # no worker runs here


def test_worker_needs_a_broker_and_known_queues(monkeypatch, tmp_path):
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["worker"])
    assert result.exit_code != 0 and "COPYDESK_BROKER_URL is not set" in str(result.exception)
    monkeypatch.setenv("COPYDESK_BROKER_URL", "redis://127.0.0.1:6379/0")
    result = CliRunner().invoke(app, ["worker", "--queues", "copy,gpu"])
    assert result.exit_code != 0 and "Unknown queue(s) gpu" in str(result.exception)


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_answers_200_then_503_when_the_database_stops(tmp_path):
    from slack_bolt import App

    from bot.health import HealthCache
    from bot.slack.http_server import HttpServer

    bolt = App(token="xoxb-test", signing_secret="secret", token_verification_enabled=False)
    healthy = Settings(home=tmp_path / "home", _env_file=None)
    stopped = Settings(home=tmp_path / "home", database_url=f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/x",
                       _env_file=None)
    for settings, expected in ((healthy, 200), (stopped, 503)):
        server = HttpServer(bolt, 0, host="127.0.0.1", health=HealthCache(settings).report).start_background()
        try:
            status, body = _get(f"http://127.0.0.1:{server.port}/healthz")
        finally:
            server.close()
        assert status == expected and body["ok"] is (expected == 200)
        [database] = body["checks"]
        assert database["name"] == "database" and database["ok"] is (expected == 200)
        if expected == 503:
            assert database["detail"].startswith("cannot connect to PostgreSQL at 127.0.0.1:")

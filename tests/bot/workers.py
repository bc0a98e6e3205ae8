"""A `copydesk worker` process for tests: the bot in the test sends jobs over the local Redis, the worker
(its own process, its own copy of the catalog, the same database) runs them and posts to the Slack stand-in.
Not Celery's eager mode: the job crosses a real broker to a real worker."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from pydantic import SecretStr

from copydesk.settings import Settings

SKIPPED = {"home"}  # the worker gets its own home (a copy of the catalog)


def worker_env(settings: Settings, home: Path) -> dict[str, str]:
    """The environment that gives a worker process the same settings as `settings` (but its own home)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPYDESK_", "SLACK_"))}
    env.update(COPYDESK_HOME=str(home), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    defaults = Settings(_env_file=None)
    for name, field in type(settings).model_fields.items():
        value = getattr(settings, name)
        if name in SKIPPED or value == getattr(defaults, name):
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, list):
            value = ",".join(value)
        variable = name.upper() if name.startswith("slack_") else f"COPYDESK_{name.upper()}"
        env[variable] = str(value)
    from copydesk.state.factory import database_url

    env["COPYDESK_DATABASE_URL"] = database_url(settings)  # the bot's database, not one under the worker's home
    return env


def new_prefix() -> str:
    """Broker keys of one test: several test runs (and engineers) share the local Redis."""
    return f"copydesk-test-{secrets.token_hex(4)}:"


@contextmanager
def worker_process(settings: Settings, catalog_home: Path, folder: Path, *, queues: str = "copy,image",
                   timeout: float = 240) -> Iterator[subprocess.Popen]:
    """Start `copydesk worker` with `settings` (broker_url set), wait until it beats, stop it afterwards."""
    from copydesk.state.factory import open_database
    from copydesk.state.jobs import JobStore

    home = folder / f"worker-{secrets.token_hex(3)}"
    shutil.copytree(catalog_home, home)
    log_path = home / "worker.log"  # what the worker logged (references of failures, for tests to find)
    copydesk = Path(sys.executable).parent / "copydesk"
    with log_path.open("w") as log:
        process = subprocess.Popen([str(copydesk), "worker", "--queues", queues], env=worker_env(settings, home),
                                   cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path  # type: ignore[attr-defined]
    try:
        jobs = JobStore(open_database(settings))
        deadline = time.monotonic() + timeout
        while not any(w.worker.endswith(f":{process.pid}") for w in jobs.live_workers()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"copydesk worker did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield process
    finally:
        stop(process)
        clear_broker(settings)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def clear_broker(settings: Settings) -> None:
    """Delete this test's keys from the shared Redis."""
    import redis

    client = redis.Redis.from_url(settings.broker_url or "", socket_connect_timeout=2)
    try:
        keys: list[Any] = list(client.scan_iter(match=f"{settings.broker_prefix}*", count=500))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass
    finally:
        client.close()

"""The scale-out path: a real `chroma run` server, reached through COPYDESK_CHROMA_HOST/PORT."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from copydesk.errors import ConfigError
from copydesk.settings import Settings
from retrieval.catalog import Catalog
from tests.retrieval.conftest import AMAZON_ROWS

CHROMA_CLI = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_heartbeat(port: int, server: subprocess.Popen, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"chroma run exited with {server.returncode}: {server.stdout.read()!r}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"chroma run did not answer on port {port} within {timeout_s} s")


@pytest.fixture
def chroma_server(tmp_path: Path):
    assert CHROMA_CLI.exists(), f"no chroma CLI at {CHROMA_CLI}: chromadb installs it; rerun `make setup`"
    port = _free_port()
    server = subprocess.Popen(
        [str(CHROMA_CLI), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_for_heartbeat(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_ingest_and_search_through_a_chroma_server(chroma_server: int, real_embedder, slices: dict[str, Path],
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYDESK_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("COPYDESK_CHROMA_PORT", str(chroma_server))
    settings = Settings(home=tmp_path / "home", _env_file=None)
    assert settings.chroma_host == "127.0.0.1"
    catalog = Catalog.open(settings, embedder=real_embedder)
    assert type(catalog.client).__name__ != "PersistentClient" and not settings.chroma_path.exists()
    report = catalog.ingest_products([slices["amazon"]])
    assert report.added == AMAZON_ROWS
    assert catalog.ingest_products([slices["amazon"]]).unchanged == AMAZON_ROWS
    matches = catalog.search("model railway train set", limit=3)
    assert matches and any("Hornby" in (m.product.brand or "") for m in matches)
    assert catalog.resolve("R1179").product.brand == "Hornby"


def test_unreachable_server_is_a_config_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, chroma_host="127.0.0.1", chroma_port=_free_port(), _env_file=None)
    with pytest.raises(ConfigError, match="COPYDESK_CHROMA_HOST"):
        Catalog.open(settings, embedder=object())  # type: ignore[arg-type]

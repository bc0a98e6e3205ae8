"""`copydesk serve --http --port P` as a real process, SLACK_API_URL at the stand-in: a signed app_mention
naming an ingested SKU gets the draft posted (or streamed) into that thread."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.bot.conftest import final_answers
from tests.slack_standin import SIGNING_SECRET, SignedSender

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"copydesk serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"copydesk serve did not listen on {port} within {timeout}s")


def test_serve_http_process_answers_a_signed_mention(slack, sample_catalog, tiny_lm_dir, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(sample_catalog.home, home)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPYDESK_", "SLACK_"))}
    env.update(COPYDESK_HOME=str(home), COPYDESK_LLM=str(tiny_lm_dir), COPYDESK_CANDIDATES="1",
               COPYDESK_MAX_NEW_TOKENS="6", SLACK_BOT_TOKEN="xoxb-process-token",
               SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.api_url, HF_HUB_OFFLINE="1")
    copydesk = Path(sys.executable).parent / "copydesk"
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([str(copydesk), "serve", "--http", "--port", str(port)], env=env, cwd=tmp_path,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, process, timeout=240)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as health:
            checks = json.loads(health.read())["checks"]
        assert health.status == 200 and [(c["name"], c["ok"]) for c in checks] == [("database", True)]
        product = sample_catalog.products[0]
        sender = SignedSender(f"http://127.0.0.1:{port}/slack/events")
        sent, ts = sender.mention(f"please write a listing for {product.sku}", channel="C0PROC")
        assert sent.status == 200
        slack.wait_for(lambda calls: final_answers(calls, "C0PROC", ts), timeout=120)
        answer = final_answers(list(slack.calls), "C0PROC", ts)[0]
        assert product.sku in answer and "Facts used" in answer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert "xoxb-process-token" not in output and SIGNING_SECRET not in output

"""kill -9 of `copydesk serve --http` in the middle of a draft (its post to Slack hangs), then a restart on the
same home: the thread is told the request died with the process, Slack's retry of the event is answered
(it was seen and never answered), the thread still answers plain follow-ups, and the draft made before the
crash is still stored."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.state.drafts import DraftStore
from tests.bot.conftest import final_answers, said_in_thread
from tests.bot.slack.test_serve_process import _free_port, _wait_listening
from tests.slack_standin import SIGNING_SECRET, SignedSender

pytestmark = pytest.mark.server
CHANNEL = "C0CRASH"


def _serve(env: dict[str, str], port: int, log: Path, cwd: Path) -> subprocess.Popen:
    copydesk = Path(sys.executable).parent / "copydesk"
    with log.open("a") as out:
        return subprocess.Popen([str(copydesk), "serve", "--http", "--port", str(port)], env=env, cwd=cwd,
                                stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_kill_9_mid_draft_then_a_restart_leaves_no_stuck_thread(slack, sample_catalog, tiny_lm_dir, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(sample_catalog.home, home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPYDESK_", "SLACK_"))}
    env.update(COPYDESK_HOME=str(home), COPYDESK_LLM=str(tiny_lm_dir), COPYDESK_POLISH_BUDGET_S="0",
               COPYDESK_EVENT_RETAKE_S="1", SLACK_BOT_TOKEN="xoxb-crash-token", SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=slack.api_url, HF_HUB_OFFLINE="1")
    log = tmp_path / "serve.log"
    product = sample_catalog.products[0]

    first_port = _free_port()
    first = _serve(env, first_port, log, tmp_path)
    try:
        _wait_listening(first_port, first, timeout=240)
        slack.hold("chat.postMessage")  # the draft's post hangs: the process is mid-answer
        sender = SignedSender(f"http://127.0.0.1:{first_port}/slack/events")
        sent, ts = sender.mention(f"draft {product.sku}", channel=CHANNEL, event_id="EvCRASH1")
        assert sent.status == 200
        slack.wait_for(lambda calls: slack.held("chat.postMessage") >= 1, 120)
        first.kill()  # SIGKILL: no clean-up of any kind
        first.wait()
    finally:
        if first.poll() is None:
            _stop(first)
        slack.release("chat.postMessage", drop=True)  # the post died with the process, before Slack took it
    stored = DraftStore(home / "copydesk.sqlite3")
    [made] = [d for d in _drafts(stored) if d.sku == product.sku]  # drafted and stored before the crash

    second_port = _free_port()
    second = _serve(env, second_port, log, tmp_path)
    try:
        _wait_listening(second_port, second, timeout=240)
        slack.wait_for(lambda calls: any("before it finished answering this" in s
                                         for s in said_in_thread(calls, CHANNEL, ts)), 60)
        time.sleep(1.1)  # past COPYDESK_EVENT_RETAKE_S
        sender = SignedSender(f"http://127.0.0.1:{second_port}/slack/events")
        retry, _ = sender.mention(f"draft {product.sku}", channel=CHANNEL, event_id="EvCRASH1", ts=ts, retry_num=1)
        assert retry.status == 200
        slack.wait_for(lambda calls: any("Facts used" in a for a in final_answers(calls, CHANNEL, ts)), 120)
        assert sender.thread_reply("facts", thread_ts=ts, channel=CHANNEL).status == 200  # no mention needed
        slack.wait_for(lambda calls: any(f"Facts for {product.sku}" in s
                                         for s in said_in_thread(calls, CHANNEL, ts)), 60)
        again, _ = sender.mention(f"draft {product.sku}", channel=CHANNEL, event_id="EvCRASH1", ts=ts, retry_num=2)
        assert again.status == 200
        time.sleep(1.0)
        drafted = [a for a in final_answers(list(slack.calls), CHANNEL, ts) if "Facts used" in a]
        assert len(drafted) == 1  # the answered retry is not answered again
    finally:
        _stop(second)
    assert made.draft_id in {d.draft_id for d in _drafts(stored)}
    output = log.read_text()
    assert "answering Slack's retry" in output
    assert "xoxb-crash-token" not in output and SIGNING_SECRET not in output


def _drafts(store: DraftStore) -> list:
    from sqlalchemy import select

    from copydesk.state.schema import drafts

    with store.db.read() as conn:
        ids = [row.draft_id for row in conn.execute(select(drafts.c.draft_id)).all()]
    return [store.get(draft_id) for draft_id in ids]

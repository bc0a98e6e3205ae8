"""Slack load: 50 conversations at once through the bot's HTTP endpoint against the Slack stand-in.

Each conversation is a signed app_mention asking for a draft of a catalog product, sent together with a
Slack retry of the same event (X-Slack-Retry-Num: 1). Checks: every conversation answered exactly once,
acknowledgement p95 under 300 ms, memory bounded (the server's RSS before/after the burst and its peak:
one model instance serves every worker). The bot runs as `copydesk serve --http` in its own process, as
in production; this process plays Slack (the stand-in and 50 concurrent senders).
Baseline in the same run: a bare Bolt app on the same HTTP server whose listener posts one reply, so
the ratio shows what copydesk's listeners (de-duplication, state, queueing) add to the acknowledgement.

The text model defaults to the tests' tiny random model: this measures the transport and queueing, not
the words (`--llm builtin:SmolLM2-135M-Instruct` for the real one; expect minutes per draft on 2 CPUs).

    .venv/bin/python -m bench.slack_load [--conversations 50] [--workers 4] [--llm PATH] [--llm-threads 1]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench._common import machine, percentiles, write_result  # noqa: E402
from copydesk.paths import EXAMPLES_DIR, PROJECT_ROOT  # noqa: E402
from tests.slack_standin import SIGNING_SECRET, SignedSender, SlackStandIn  # noqa: E402

CATALOG_ROWS = 20
CHANNEL = "C0LOAD"


def fire(sender: SignedSender, texts: list[str]) -> tuple[list[float], list[str], list[int]]:
    """Send every mention and its retry at once; returns ack seconds, thread ids and HTTP statuses."""
    def one(index: int) -> tuple[list[float], str, list[int]]:
        ts = f"{1800000000 + index}.000001"
        first, _ = sender.mention(texts[index], channel=CHANNEL, ts=ts, user=f"U{index:04d}",
                                  event_id=f"EvLOAD{index}")
        retry, _ = sender.mention(texts[index], channel=CHANNEL, ts=ts, user=f"U{index:04d}",
                                  event_id=f"EvLOAD{index}", retry_num=1)
        return [first.seconds, retry.seconds], ts, [first.status, retry.status]

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        results = list(pool.map(one, range(len(texts))))
    acks = [s for r in results for s in r[0]]
    return acks, [r[1] for r in results], [s for r in results for s in r[2]]


def answers_per_thread(slack: SlackStandIn, threads: list[str], marks: tuple[str, ...]) -> dict[str, int]:
    """Final answers per thread: messages (posted, or a stopped stream) whose blocks carry one of `marks`.
    Progress notes ("You are number 3 in the queue", the streamed text) are not answers."""
    counts = dict.fromkeys(threads, 0)
    stream_thread: dict[str, str] = {}
    for call in list(slack.calls):
        if call.status != 200:
            continue
        blocks = json.dumps(call.args.get("blocks") or [])
        if call.method == "chat.startStream":
            stream_thread[call.response.get("ts", "")] = call.args.get("thread_ts")
            continue
        thread = (call.args.get("thread_ts") if call.method == "chat.postMessage"
                  else stream_thread.get(call.args.get("ts")) if call.method == "chat.stopStream" else None)
        if thread in counts and any(mark in blocks for mark in marks):
            counts[thread] += 1
    return counts


def errors_shown(slack: SlackStandIn) -> int:
    return sum("Reference:" in json.dumps(c.args.get("blocks") or []) for c in slack.calls
               if c.method in ("chat.postMessage", "chat.stopStream") and c.status == 200)


def proc_memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return values


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing listened on {port} within {timeout}s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_bare(port: int, api_url: str) -> None:
    """The baseline server (run in its own process): a bare Bolt app whose listener posts one reply."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.slack.http_server import HttpServer

    app = App(client=WebClient(token="xoxb-bench", base_url=api_url), signing_secret=SIGNING_SECRET,
              process_before_response=False)

    @app.event("app_mention")
    def reply(event: dict, client: WebClient) -> None:
        client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"], text="hi",
                                blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "bare reply"}}])

    HttpServer(app, port, host="127.0.0.1").serve_forever()


def baseline(conversations: int) -> dict:
    with SlackStandIn() as slack:
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "bench.slack_load", "--serve-bare", str(port),
                                    slack.api_url], cwd=PROJECT_ROOT)
        try:
            wait_listening(port, process)
            sender = SignedSender(f"http://127.0.0.1:{port}/slack/events")
            acks, threads, statuses = fire(sender, ["hello"] * conversations)
            slack.wait_for(lambda calls: sum(c.method == "chat.postMessage" for c in calls) >= 2 * conversations,
                           timeout=120)
        finally:
            process.terminate()
            process.wait(10)
        counts = answers_per_thread(slack, threads, ("bare reply",))
    return {"ack": percentiles(acks), "statuses_ok": all(s == 200 for s in statuses),
            "answered_once": sum(v == 1 for v in counts.values()),
            "answered_twice_or_more": sum(v > 1 for v in counts.values()),
            "note": "counted from the stand-in's recorded replies; bare Bolt has no de-duplication of retries"}


def copydesk_run(conversations: int, workers: int, llm: str, home: Path, llm_threads: int) -> dict:
    """`copydesk serve --http` in its own process, as in production; this process is Slack."""
    from retrieval.readers import read_products

    with SlackStandIn() as slack:
        source = sample_file(home.parent)
        skus = [p.sku for p in read_products(source) if hasattr(p, "sku")]
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COPYDESK_", "SLACK_"))}
        env.update(COPYDESK_HOME=str(home), COPYDESK_LLM=llm, COPYDESK_CANDIDATES="1",
                   COPYDESK_MAX_NEW_TOKENS="16", COPYDESK_WORKERS=str(workers), COPYDESK_LOG_LEVEL="WARNING",
                   COPYDESK_LLM_THREADS=str(llm_threads),
                   SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.api_url)
        copydesk = Path(sys.executable).parent / "copydesk"
        ingest = subprocess.run([str(copydesk), "ingest", "products", str(source), "--json"], env=env,
                                cwd=home.parent, capture_output=True, text=True)
        if ingest.returncode != 0:
            raise RuntimeError(f"ingest failed: {ingest.stderr[-2000:]}")
        log = (home.parent / "serve.log").open("w")
        process = subprocess.Popen([str(copydesk), "serve", "--http", "--port", str(port)], env=env,
                                   cwd=home.parent, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_listening(port, process)
            memory_before = proc_memory_mb(process.pid)
            sender = SignedSender(f"http://127.0.0.1:{port}/slack/events")
            texts = [f"draft {skus[i % len(skus)]}" for i in range(conversations)]
            started = time.perf_counter()
            acks, threads, statuses = fire(sender, texts)
            marks = ("Facts used", "Reference:")
            slack.wait_for(lambda calls: all(answers_per_thread(slack, threads, marks).values()), timeout=1800)
            wall = time.perf_counter() - started
            time.sleep(2.0)  # a duplicate answer, if there were one, would arrive now
            memory_after = proc_memory_mb(process.pid)
        finally:
            process.terminate()
            process.wait(10)
            log.close()
        counts = answers_per_thread(slack, threads, marks)
        queue_notes = sum("in the queue" in str(c.args.get("text")) for c in slack.calls_to("chat.postMessage"))
        return {"ack": percentiles(acks), "statuses_ok": all(s == 200 for s in statuses),
                "answered_once": sum(v == 1 for v in counts.values()),
                "answered_twice_or_more": sum(v > 1 for v in counts.values()),
                "unanswered": sum(v == 0 for v in counts.values()),
                "answers_that_were_error_messages": errors_shown(slack), "queue_position_notes": queue_notes,
                "wall_s": round(wall, 2), "drafts_per_s": round(conversations / wall, 3),
                "server_rss_mb_before_burst": memory_before.get("VmRSS"),
                "server_rss_mb_after_burst": memory_after.get("VmRSS"),
                "server_peak_rss_mb": memory_after.get("VmHWM"), "workers": workers, "llm": llm,
                "llm_threads": llm_threads}


def sample_file(folder: Path) -> Path:
    """The first rows of the sample catalog in examples/."""
    source = folder / "sample.jsonl"
    with (EXAMPLES_DIR / "catalog" / "icecat-sample.jsonl").open(encoding="utf-8") as handle:
        source.write_text("".join(itertools.islice(handle, CATALOG_ROWS)), encoding="utf-8")
    return source


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--llm", default=None, help="text model (default: the tests' tiny random model)")
    parser.add_argument("--llm-threads", type=int, default=1,
                        help="torch threads per generation (COPYDESK_LLM_THREADS); 1 leaves CPU for acknowledgements")
    parser.add_argument("--serve-bare", nargs=2, metavar=("PORT", "API_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(int(args.serve_bare[0]), args.serve_bare[1])
        return 0
    llm = args.llm
    if llm is None:
        from tests.fixtures.tiny_lm import make_tiny_lm

        llm = str(make_tiny_lm(PROJECT_ROOT / ".copydesk-test-cache"))
    info = machine()
    bare = baseline(args.conversations)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "home").mkdir()
        ours = copydesk_run(args.conversations, args.workers, llm, Path(folder) / "home", args.llm_threads)
    result = {
        "benchmark": "slack_load", "conversations": args.conversations, "machine": info,
        "copydesk": ours, "bare_bolt": bare,
        "ack_p95_ratio_copydesk_over_bare": round(ours["ack"]["p95_ms"] / max(bare["ack"]["p95_ms"], 1e-6), 3),
        "checks": {"every_conversation_answered_exactly_once": ours["answered_once"] == args.conversations,
                   "ack_p95_under_300ms": ours["ack"]["p95_ms"] < 300},
    }
    write_result("slack_load", result)
    print(json.dumps(result["checks"]))
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Scale-out load: 2 bot replicas (`copydesk serve --http`), 2 `copydesk worker`s, PostgreSQL and Redis,
against the Slack stand-in, beside one `copydesk serve --http` process with SQLite and its in-process pool.

Each of N conversations (default 200) is a signed app_mention asking for a draft of a catalog product, sent
to replica i % 2; every fifth one is also delivered as a Slack retry (same event id, X-Slack-Retry-Num: 1)
to the OTHER replica at the same moment, so the two replicas race on it. Mid-run (once a quarter of the
conversations are answered) one worker is killed with SIGKILL; the jobs it held must still be answered,
by the other worker, once their broker visibility timeout and heartbeat age have passed.
Checks: every conversation answered exactly once, no error messages, every job done in the jobs table.
Recorded: acknowledgement p50/p95 and time from the event to the first draft in its thread, for both
set-ups. The drafts are template-only first drafts (COPYDESK_POLISH_BUDGET_S=0: no language model
in the load), so this measures the transport, the queue and the state, not the words.

    .venv/bin/python -m bench.scale_out [--conversations 200] [--kill-after 0.25] [--no-baseline]

Needs PostgreSQL and Redis (COPYDESK_TEST_POSTGRES_URL / COPYDESK_TEST_REDIS_URL, default the local ones).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench._common import machine, percentiles, write_result  # noqa: E402
from bench.slack_load import free_port, sample_file, wait_listening  # noqa: E402
from copydesk.paths import PROJECT_ROOT  # noqa: E402
from tests.services import LOCAL_POSTGRES, LOCAL_REDIS, reachable  # noqa: E402
from tests.slack_standin import SIGNING_SECRET, SignedSender, SlackStandIn  # noqa: E402
from tests.slack_standin.webapi import Call  # noqa: E402

CHANNEL = "C0SCALE"
SENDERS = 40  # concurrent senders, as 40 people asking at once
RETRY_EVERY = 5  # 20 % of events are retried to the other replica
VISIBILITY_TIMEOUT_S = 15  # a killed worker's jobs go back on the queue after this
COPYDESK = Path(sys.executable).parent / "copydesk"


def base_env(home: Path, slack: SlackStandIn, llm: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPYDESK_", "SLACK_"))}
    env.update(COPYDESK_HOME=str(home), COPYDESK_LLM=llm, COPYDESK_LLM_THREADS="1", COPYDESK_CANDIDATES="1",
               COPYDESK_MAX_NEW_TOKENS="16", COPYDESK_POLISH_BUDGET_S="0", COPYDESK_LOG_LEVEL="WARNING",
               SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.api_url)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as handle:
        return subprocess.Popen([str(COPYDESK), *args], env=env, cwd=log.parent, stdout=handle,
                                stderr=subprocess.STDOUT)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def fire(urls: list[str], texts: list[str]) -> dict[str, dict]:
    """Send every conversation (and every fifth one's retry to the other replica, at the same moment).
    Returns per thread ts: when it was sent, its acknowledgement times and HTTP statuses."""
    senders = [SignedSender(url) for url in urls]

    def one(index: int) -> tuple[str, dict]:
        ts, user, event_id = f"{1800000000 + index}.000001", f"U{index:04d}", f"EvSCALE{index}"
        replica = index % len(senders)
        deliveries = [(replica, None)]
        if index % RETRY_EVERY == 0:
            deliveries.append(((replica + 1) % len(senders), 1))
        sent_at = time.monotonic()
        with ThreadPoolExecutor(len(deliveries)) as both:
            answers = list(both.map(lambda d: senders[d[0]].mention(
                texts[index], channel=CHANNEL, ts=ts, user=user, event_id=event_id, retry_num=d[1])[0], deliveries))
        return ts, {"sent_at": sent_at, "acks": [a.seconds for a in answers], "statuses": [a.status for a in answers],
                    "retried": len(deliveries) > 1}

    with ThreadPoolExecutor(SENDERS) as pool:
        return dict(pool.map(one, range(len(texts))))


def is_draft(call: Call) -> bool:
    return call.method == "chat.postMessage" and call.status == 200 and "Facts used" in json.dumps(
        call.args.get("blocks") or [])


def is_error(call: Call) -> bool:
    return call.method in ("chat.postMessage", "chat.update") and call.status == 200 and "Reference:" in json.dumps(
        call.args.get("blocks") or [])


def outcome(slack: SlackStandIn, sent: dict[str, dict]) -> dict:
    calls = list(slack.calls)
    drafts: dict[str, list[Call]] = {ts: [] for ts in sent}
    for call in calls:
        if is_draft(call) and call.args.get("thread_ts") in drafts:
            drafts[call.args["thread_ts"]].append(call)
    first = [drafts[ts][0].at - info["sent_at"] for ts, info in sent.items() if drafts[ts]]
    acks = [a for info in sent.values() for a in info["acks"]]
    return {
        "ack": percentiles(acks),
        "time_to_first_draft": {**percentiles(first), "max_ms": round(max(first) * 1000, 1) if first else None},
        "statuses_ok": all(s == 200 for info in sent.values() for s in info["statuses"]),
        "retried_events": sum(info["retried"] for info in sent.values()),
        "answered_once": sum(len(v) == 1 for v in drafts.values()),
        "answered_twice_or_more": sum(len(v) > 1 for v in drafts.values()),
        "threads_answered_twice": sorted(ts for ts, v in drafts.items() if len(v) > 1),
        "unanswered": sum(not v for v in drafts.values()),
        "error_messages": sum(is_error(c) for c in calls),
        "eyes_reactions": sum(c.method == "reactions.add" and c.status == 200 for c in calls),
    }


def answered(slack: SlackStandIn, threads: set[str]) -> int:
    return len({c.args.get("thread_ts") for c in list(slack.calls) if is_draft(c)} & threads)


def single_process(folder: Path, catalog_home: Path, llm: str, texts: list[str]) -> dict:
    """One `copydesk serve --http`: SQLite, the in-process pool with 4 threads (as many as the 2 workers below)."""
    with SlackStandIn() as slack:
        home = folder / "single"
        shutil.copytree(catalog_home, home)
        port = free_port()
        env = base_env(home, slack, llm) | {"COPYDESK_WORKERS": "4"}
        bot = start(["serve", "--http", "--port", str(port)], env, home / "serve.log")
        try:
            wait_listening(port, bot)
            started = time.monotonic()
            sent = fire([f"http://127.0.0.1:{port}/slack/events"], texts)
            slack.wait_for(lambda calls: answered(slack, set(sent)) == len(sent), timeout=1800)
            wall = time.monotonic() - started
            time.sleep(3)  # a second answer, if there were one, would arrive now
        finally:
            stop([bot])
        return {**outcome(slack, sent), "wall_s": round(wall, 1), "bot_processes": 1, "worker_threads": 4,
                "state": "SQLite", "jobs": "in-process pool"}


def scaled(folder: Path, catalog_home: Path, llm: str, texts: list[str], kill_after: float | None) -> dict:
    from sqlalchemy import bindparam, text

    from copydesk.state.factory import open_database
    from tests.services import own_schema

    prefix = f"copydesk-bench-{secrets.token_hex(4)}:"
    with SlackStandIn() as slack, own_schema(LOCAL_POSTGRES) as database_url:
        database = open_database(database_url)  # migrated once here, before the processes start
        processes: list[subprocess.Popen] = []
        try:
            def env_for(name: str) -> dict[str, str]:
                home = folder / name
                shutil.copytree(catalog_home, home)
                return base_env(home, slack, llm) | {
                    "COPYDESK_DATABASE_URL": database_url, "COPYDESK_BROKER_URL": LOCAL_REDIS,
                    "COPYDESK_BROKER_PREFIX": prefix, "COPYDESK_JOB_VISIBILITY_TIMEOUT_S": str(VISIBILITY_TIMEOUT_S)}

            workers = [start(["worker", "--queues", "copy,image", "--concurrency", "2"], env_for(f"worker{n}"),
                             folder / f"worker{n}.log") for n in range(2)]
            processes += workers
            ports = [free_port() for _ in range(2)]
            replicas = [start(["serve", "--http", "--port", str(p)], env_for(f"replica{n}"), folder / f"replica{n}.log")
                        for n, p in enumerate(ports)]
            processes += replicas
            for port, replica in zip(ports, replicas):
                wait_listening(port, replica)
            wait_for_workers(database, [w.pid for w in workers], workers)

            killed: dict = {}
            threads = {f"{1800000000 + i}.000001" for i in range(len(texts))}

            def kill_one() -> None:  # SIGKILL worker 0 mid-job once a share of the conversations is answered
                slack.wait_for(lambda calls: answered(slack, threads) >= kill_after * len(texts), timeout=1800)
                victim, held = workers[0], []
                for _ in range(200):
                    with database.read() as conn:
                        held = [r[0] for r in conn.execute(text(
                            "SELECT job_id FROM jobs WHERE worker LIKE :w AND status = 'running'"),
                            {"w": f"%:{victim.pid}"})]
                    if held:
                        break
                    time.sleep(0.05)
                victim.send_signal(signal.SIGKILL)
                victim.wait(30)
                with database.read() as conn:  # what it held when it died (one may have finished meanwhile)
                    held = [r[0] for r in conn.execute(text(
                        "SELECT job_id FROM jobs WHERE worker LIKE :w AND status = 'running'"),
                        {"w": f"%:{victim.pid}"})]
                killed.update(pid=victim.pid, answered_before=answered(slack, threads), jobs_running=held,
                              at=time.monotonic())

            killer = threading.Thread(target=kill_one, daemon=True)
            if kill_after is not None:
                killer.start()
            started = time.monotonic()
            sent = fire([f"http://127.0.0.1:{p}/slack/events" for p in ports], texts)
            slack.wait_for(lambda calls: answered(slack, set(sent)) == len(sent), timeout=1800)
            wall = time.monotonic() - started
            if kill_after is not None:
                killer.join(60)
            # the dead worker's jobs are finished by the other one (after the visibility timeout and the
            # heartbeat age), whether they still had to be answered or had been answered before it died
            all_done = wait_all_done(database, len(texts), timeout=300)
            time.sleep(3)
        finally:
            stop(processes)
            clear_prefix(prefix)
        with database.read() as conn:
            statuses = dict(conn.execute(text("SELECT status, COUNT(*) FROM jobs GROUP BY status")).all())
            taken_over = [dict(r._mapping) for r in conn.execute(text(
                "SELECT job_id, status, attempts, worker FROM jobs WHERE job_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": killed.get("jobs_running") or ["-"]})]
        database.dispose()
        posted = {c.args.get("thread_ts"): c.at for c in list(slack.calls) if is_draft(c)}
        for job in taken_over:  # did the dead worker post its answer before it died? (then it was not re-posted)
            job["answer_posted_before_the_kill"] = posted.get(job["job_id"].rsplit(":", 1)[-1], 1e18) < killed["at"]
        return {**outcome(slack, sent), "wall_s": round(wall, 1), "jobs_all_done_after_s": all_done,
                "bot_processes": 2, "workers": 2,
                "worker_threads": 4, "state": "PostgreSQL", "jobs": "Celery on Redis",
                "jobs_by_status": statuses, "killed_worker": {
                    "answered_before_kill": killed.get("answered_before"), "jobs_it_was_running": taken_over,
                    "all_finished_by_another_worker": bool(taken_over) and all(
                        j["status"] == "done" and not j["worker"].endswith(f":{killed.get('pid')}") for j in taken_over)}
                if killed else None,
                "visibility_timeout_s": VISIBILITY_TIMEOUT_S}


def wait_for_workers(database, pids: list[int], processes: list[subprocess.Popen], timeout: float = 600) -> None:
    from copydesk.state.jobs import JobStore

    jobs = JobStore(database)
    deadline = time.monotonic() + timeout
    while True:
        alive = {w.worker.rsplit(":", 1)[-1] for w in jobs.live_workers()}
        if all(str(pid) in alive for pid in pids):
            return
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            raise RuntimeError("the workers did not start (see their logs)")
        time.sleep(0.5)


def wait_all_done(database, count: int, timeout: float) -> float | None:
    """Seconds until every job is done in the jobs table (None: not within `timeout`)."""
    from sqlalchemy import text

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with database.read() as conn:
            if conn.execute(text("SELECT COUNT(*) FROM jobs WHERE status = 'done'")).scalar() == count:
                return round(time.monotonic() - started, 1)
        time.sleep(1)
    return None


def clear_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(LOCAL_REDIS)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


def ingest(folder: Path, llm: str) -> tuple[Path, list[str]]:
    from retrieval.readers import read_products

    home = folder / "catalog"
    source = sample_file(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPYDESK_", "SLACK_"))}
    env.update(COPYDESK_HOME=str(home), COPYDESK_LLM=llm)
    done = subprocess.run([str(COPYDESK), "ingest", "products", str(source), "--json"], env=env, cwd=folder,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed: {done.stderr[-2000:]}")
    return home, [p.sku for p in read_products(source) if hasattr(p, "sku")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--kill-after", type=float, default=0.25, help="share answered before a worker is killed")
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-process run")
    parser.add_argument("--no-kill", action="store_true",
                        help="kill no worker (results in scale_out-no-kill.json): the cost of the kill, apart")
    args = parser.parse_args(argv)
    missing = [why for why in (reachable(LOCAL_POSTGRES), reachable(LOCAL_REDIS)) if why]
    if missing:
        print(f"bench.scale_out needs PostgreSQL and Redis: {'; '.join(missing)}")
        return 2
    from tests.fixtures.tiny_lm import make_tiny_lm

    llm = str(make_tiny_lm(PROJECT_ROOT / ".copydesk-test-cache"))  # loaded by the workers, not used (no polish)
    info = machine()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        catalog_home, skus = ingest(folder, llm)
        texts = [f"draft {skus[i % len(skus)]}" for i in range(args.conversations)]
        single = None if args.no_baseline else single_process(folder, catalog_home, llm, texts)
        scale = scaled(folder, catalog_home, llm, texts, None if args.no_kill else args.kill_after)
    n = args.conversations
    checks = {
        "every_conversation_answered_exactly_once": scale["answered_once"] == n,
        "no_error_messages": scale["error_messages"] == 0,
        "every_job_done": scale["jobs_by_status"] == {"done": n},
        "one_eyes_reaction_per_conversation": scale["eyes_reactions"] == n,
    }
    if not args.no_kill:
        checks["killed_workers_jobs_finished_by_the_other"] = scale["killed_worker"]["all_finished_by_another_worker"]
    if single is not None:
        checks["single_process_answered_exactly_once"] = single["answered_once"] == n
    result = {"benchmark": "scale_out", "conversations": n, "retry_every": RETRY_EVERY, "senders": SENDERS,
              "host": socket.gethostname(), "machine": info, "scaled_out": scale, "single_process": single,
              "note": "drafts are template-only first drafts (COPYDESK_POLISH_BUDGET_S=0); a retry is delivered to "
                      "the other replica at the same moment as the original; CPU shared with other work "
                      "(see load_average_at_start)", "checks": checks}
    write_result("scale_out-no-kill" if args.no_kill else "scale_out", result)
    print(json.dumps(checks))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

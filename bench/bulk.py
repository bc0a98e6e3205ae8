"""bench.bulk: `copydesk bulk` over more than 1,000 shared Icecat products, without polish.

1. Throughput: the bulk command (in this process, after its imports) over a file of 1,050 Icecat SKUs plus
   10 unknown ones, blank lines and comments, into drafts.csv: products per second by this benchmark's own
   clock around the command (selection, first drafts in worker processes, storage, the result file).
   Target >= 20 products/s. Baseline in the same run: the bare `CopyChain.compose(use_model=False)` of 100 of
   the same products in one process, products/s.
2. Bad rows: every unknown SKU gets a row with its reason and the rest are drafted.
3. Resume: the command in its own process, sent SIGINT (Ctrl-C) once 300 products are finished, then run
   again: the rerun drafts only the products left, the finished ones keep their drafts (same ids), and the
   file lists every product.

The 1,100 products are ingested once under .copydesk-bench-cache/ (about 15-60 s of embedding on this CPU):
set-up, outside every timing.

    .venv/bin/python -m bench.bulk [--skus 1050] [--workers 0]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench._cache import cached_settings  # noqa: E402
from bench._common import machine, write_result  # noqa: E402
from copydesk.paths import PROJECT_ROOT  # noqa: E402

TARGET_RATE = 20.0
BAD_SKUS = [f"NO-SUCH-SKU-{i}" for i in range(10)]
INTERRUPT_AFTER = 300


def sku_file(path: Path, skus: list[str]) -> Path:
    """The SKUs with bad rows mixed in: unknown SKUs, blank lines, a comment."""
    lines = ["# spring range, from the buyers' sheet"]
    for i, sku in enumerate(skus):
        lines.append(sku)
        if i % 100 == 50:
            lines += ["", BAD_SKUS[(i // 100) % len(BAD_SKUS)]]
    lines += BAD_SKUS  # the ones not placed above (repeats are listed once)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env_for(settings, database: Path) -> dict[str, str]:  # noqa: ANN001
    return {**os.environ, "COPYDESK_HOME": str(settings.home), "COPYDESK_DATABASE_URL": f"sqlite:///{database}"}


def run_in_process(args: list[str], env: dict[str, str]) -> tuple[dict, float]:
    """The command through Typer in this process (imports already paid); (its JSON summary, seconds)."""
    from typer.testing import CliRunner

    from bot.cli import app

    started = time.perf_counter()
    result = CliRunner().invoke(app, [*args, "--json"], env=env)
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"copydesk {' '.join(args)} failed: {result.output[-2000:]}")
    return json.loads(result.stdout), seconds


def finished(database: Path) -> dict[str, str | None]:
    """reference -> draft id (None for a failed row) of every finished product of the bulk jobs there."""
    from sqlalchemy import select

    from copydesk.state.bulk import BulkStore
    from copydesk.state.schema import bulk_items

    store = BulkStore(f"sqlite:///{database}")
    with store.db.read() as conn:
        rows = conn.execute(select(bulk_items.c.reference, bulk_items.c.draft_id)
                            .where(bulk_items.c.status != "pending")).all()
    return {row.reference: row.draft_id for row in rows}


def drafts_by_reference(out: Path) -> dict[str, str]:
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["reference"]: row["draft_id"] for row in csv.DictReader(handle)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.bulk")
    parser.add_argument("--skus", type=int, default=1050)
    parser.add_argument("--workers", type=int, default=0, help="processes (0: one per CPU)")
    args = parser.parse_args(argv)

    from bot.services import Services
    from copydesk.settings import Settings

    settings = cached_settings("bulk", Settings(), icecat_rows=args.skus + 50)
    services = Services(settings)
    skus = sorted(services.catalog.products.get(include=[])["ids"])[: args.skus]
    work = Path(tempfile.mkdtemp(prefix="copydesk-bench-bulk-"))
    listing = sku_file(work / "skus.txt", skus)
    workers = args.workers or os.cpu_count() or 1
    command = ["bulk", "--file", str(listing), "--workers", str(workers)]
    started_on = machine()  # the load average before the timed runs

    from retrieval.documents import product_from_metadata

    sample = [product_from_metadata(m) for m in services.catalog.products.get(ids=skus[:100], include=["metadatas"])
              ["metadatas"]]
    services.copy_chain.compose(sample[0], use_model=False)  # the realization tables, loaded once
    started = time.perf_counter()
    for product in sample:
        services.copy_chain.compose(product, use_model=False)
    baseline_rate = len(sample) / (time.perf_counter() - started)

    first_db, first_out = work / "run1.sqlite3", work / "drafts.csv"
    summary, seconds = run_in_process([*command, "--out", str(first_out)], env_for(settings, first_db))
    rate = (len(skus) + len(BAD_SKUS)) / seconds
    with first_out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad_rows = {r["reference"]: r["issues"] for r in rows if r["status"] == "failed"}
    print(f"run 1: {len(rows)} rows in {seconds:.1f}s = {rate:.1f}/s (baseline {baseline_rate:.1f}/s)", flush=True)

    second_db, second_out = work / "run2.sqlite3", work / "resumed.csv"
    env = env_for(settings, second_db)
    process = subprocess.Popen([str(PROJECT_ROOT / ".venv" / "bin" / "copydesk"), *command, "--out", str(second_out)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while process.poll() is None and (not second_db.exists() or len(finished(second_db)) < INTERRUPT_AFTER):
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    before = finished(second_db)
    finished_before = len(before)
    resumed, resume_seconds = run_in_process([*command, "--out", str(second_out)], env)
    after = drafts_by_reference(second_out)

    result = {
        "benchmark": "bulk",
        "machine": {**started_on, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "products": len(skus), "unknown_skus": len(BAD_SKUS), "workers": workers,
        "throughput": {
            "seconds": round(seconds, 2), "rows": len(rows), "products_per_s": round(rate, 2),
            "target_products_per_s": TARGET_RATE, "target_met": rate >= TARGET_RATE,
            "baseline_bare_compose_products_per_s": round(baseline_rate, 2),
            "ratio_to_baseline": round(rate / baseline_rate, 2),
            "summary": summary,
        },
        "bad_rows": {"reported": len(bad_rows), "expected": len(BAD_SKUS),
                     "all_with_a_reason": all(BAD_SKUS[i] in bad_rows and "catalog" in bad_rows[BAD_SKUS[i]]
                                              for i in range(len(BAD_SKUS))),
                     "drafted_rows": sum(r["status"] == "drafted" for r in rows)},
        "resume": {
            "interrupted_exit_code": process.returncode, "interrupt_message": stderr.strip().splitlines()[-1:],
            "finished_before_interrupt": finished_before,
            "rerun_drafted_now": resumed["drafted_now"], "rerun_resumed": resumed["resumed"],
            "rerun_seconds": round(resume_seconds, 2),
            "redid_nothing": resumed["drafted_now"] == len(skus) + len(BAD_SKUS) - finished_before,
            "every_product_in_the_file": len(after) == len(skus) + len(BAD_SKUS),
            "finished_drafts_kept": all(after[ref] == (draft_id or "") for ref, draft_id in before.items()),
        },
    }
    write_result("bulk", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

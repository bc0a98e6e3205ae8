"""bench.first_draft: how soon a person sees a complete, verified first draft, in one running process with
the language model in memory.

A. Engine: `draft SKU` through ConversationEngine.handle until the first draft is shown, for 50 products
   (25 Icecat, 25 Amazon UK toys); twice: polishing off, and polishing on (the model busy polishing earlier
   drafts on its lane while the next one is drafted). Baseline in the same run: the bare
   `CopyChain.compose(use_model=False)` of the same products (no resolution, storage or engine). Target p95 <= 1 s.
B. Slack: a signed app_mention into the bot's HTTP endpoint (this process) until the stand-in Web API records
   the chat.postMessage of the draft, over the same products, polishing on. Target p95 <= 2 s.
C. Polish: for the first few products (the real model takes about a minute each on this CPU), CopyChain.polish
   with a generous budget: whether the polish replaced the first draft, the share of parts it rewrote (counted
   by comparing the texts, not from the chain's report), and "never worse by the ranker": every final draft
   scores at least its first draft.

Setup outside the timings: the catalog is ingested once under .copydesk-bench-cache/ (bench/_cache.py), the
model is loaded once, and one warm-up draft loads the realization tables (its time is reported apart).

    .venv/bin/python -m bench.first_draft [--polish-products 5] [--polish-budget 600]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench._cache import cached_settings  # noqa: E402
from bench._common import machine, percentiles, write_result  # noqa: E402
from bot.engine import NoProgress  # noqa: E402

TARGET_ENGINE_P95_S = 1.0
TARGET_SLACK_P95_S = 2.0


class FirstShown(NoProgress):
    """The engine's Progress: the moment the first draft is shown (or None: it came back as the reply)."""

    def __init__(self) -> None:
        self.at: float | None = None

    def draft(self, reply, *, final: bool = False) -> None:  # noqa: ANN001
        if self.at is None:
            self.at = time.perf_counter()


def engine_latencies(services, skus: list[str], thread: str):  # noqa: ANN001, ANN201 - (seconds, engine)
    from bot.engine import ConversationEngine, Turn
    from copydesk.state.threads import BotState

    engine = ConversationEngine(services, BotState(services.database))
    seconds = []
    for i, sku in enumerate(skus):
        shown = FirstShown()
        started = time.perf_counter()
        [reply] = engine.handle(Turn(f"{thread}:{i}", "UBENCH", f"draft {sku}", "CBENCH"), shown)
        assert reply.draft.sku == sku, reply
        seconds.append((shown.at or time.perf_counter()) - started)
    return seconds, engine


def slack_latencies(services, skus: list[str]) -> list[float]:  # noqa: ANN001
    """Mention -> the draft posted in the thread, as the stand-in saw it (one process, one clock)."""
    from pydantic import SecretStr

    from bot.engine import ConversationEngine
    from bot.services import Services
    from bot.slack.app import create_app
    from bot.slack.http_server import HttpServer
    from copydesk.state.threads import BotState
    from tests.slack_standin import SIGNING_SECRET, SignedSender, SlackStandIn

    seconds = []
    with SlackStandIn() as slack:
        settings = services.settings.model_copy(update={
            "slack_bot_token": SecretStr("xoxb-bench"), "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": slack.api_url})
        bot_services = Services(settings)
        bot_services.__dict__.update(catalog=services.catalog, text_generator=services.text_generator)
        state = BotState(bot_services.database)
        app, bot = create_app(settings, ConversationEngine(bot_services, state), state)
        server = HttpServer(app, 0, host="127.0.0.1").start_background()
        sender = SignedSender(f"http://127.0.0.1:{server.port}/slack/events")
        try:
            for i, sku in enumerate(skus):
                ts = f"{1900000000 + i}.000001"
                started = time.monotonic()
                sender.mention(f"draft {sku}", channel="CBENCH", ts=ts, user="UBENCH")
                calls = slack.wait_for(lambda calls: any(
                    c.method == "chat.postMessage" and c.args.get("thread_ts") == ts
                    and "Facts used" in str(c.args.get("blocks")) for c in calls), 60)
                posted = next(c for c in calls if c.method == "chat.postMessage" and c.args.get("thread_ts") == ts
                              and "Facts used" in str(c.args.get("blocks")))
                seconds.append(posted.at - started)
        finally:
            server.close()
            bot.pool.shutdown(wait=False)
            bot.engine.polishing.wait_idle(900)
    return seconds


def polish_rows(services, products: list, budget_s: float) -> list[dict]:  # noqa: ANN001
    from bot.engine.polishing import changed_parts, parts

    chain = services.copy_chain
    rows = []
    for product in products:
        first = chain.first_draft(product)
        started = time.perf_counter()
        result = chain.polish(first, budget_s=budget_s)
        seconds = time.perf_counter() - started
        reports = result.parts if result is not first else []
        rows.append({
            "sku": product.sku, "seconds": round(seconds, 1), "accepted": result is not first,
            "parts": parts(first.draft), "parts_rewritten": changed_parts(first.draft, result.draft),
            "first_score": first.draft.scores.total, "final_score": result.draft.scores.total,
            "never_worse": result.draft.scores.total >= first.draft.scores.total,
            "chain_reported_model_parts": sum(r.origin == "model" for r in reports),
        })
        print(f"polish {product.sku}: {rows[-1]}", flush=True)
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.first_draft")
    parser.add_argument("--polish-products", type=int, default=5)
    parser.add_argument("--polish-budget", type=float, default=600.0)
    args = parser.parse_args(argv)

    from bot.services import Services
    from copydesk.settings import Settings
    from retrieval.documents import product_from_metadata

    work = Path(tempfile.mkdtemp(prefix="copydesk-bench-first-"))
    base = cached_settings("first-draft", Settings(), icecat_rows=25, toy_rows=27)
    settings = base.model_copy(update={"database_url": f"sqlite:///{work / 'state.sqlite3'}",
                                       "polish_budget_s": 0.0})
    services = Services(settings)
    started = time.perf_counter()
    services.use_text_generator()
    model_load_s = time.perf_counter() - started
    metadatas = services.catalog.products.get(include=["metadatas"])["metadatas"]
    products = [product_from_metadata(m) for m in metadatas][:50]
    skus = [p.sku for p in products]
    print(f"{len(products)} products; model {services.text_generator.name} loaded in {model_load_s:.1f}s", flush=True)

    started = time.perf_counter()
    services.copy_chain.compose(products[0], use_model=False)
    warm_up_s = time.perf_counter() - started

    baseline = []
    for product in products:
        started = time.perf_counter()
        services.copy_chain.compose(product, use_model=False)
        baseline.append(time.perf_counter() - started)
    quiet, _ = engine_latencies(services, skus, "quiet")
    polishing = Services(settings.model_copy(update={"polish_budget_s": 60.0}))
    polishing.__dict__.update(catalog=services.catalog, text_generator=services.text_generator)
    busy, engine = engine_latencies(polishing, skus, "busy")
    engine.polishing.wait_idle(900)  # polishes that waited past their budget end at once
    slack = slack_latencies(polishing, skus)
    polish = polish_rows(services, products[: args.polish_products], args.polish_budget)

    total_parts = sum(r["parts"] for r in polish)
    summary = {
        "benchmark": "first_draft",
        "machine": machine(),
        "model": services.text_generator.name,
        "products": len(products),
        "model_load_s": round(model_load_s, 2),
        "warm_up_first_compose_s": round(warm_up_s, 2),
        "baseline_compose_no_model": percentiles(baseline),
        "engine_request_to_first_draft_polish_off": percentiles(quiet),
        "engine_request_to_first_draft_while_polishing": percentiles(busy),
        "slack_mention_to_posted_draft_while_polishing": percentiles(slack),
        "target_engine_p95_s": TARGET_ENGINE_P95_S,
        "target_slack_p95_s": TARGET_SLACK_P95_S,
        "engine_target_met": max(percentiles(quiet)["p95_ms"], percentiles(busy)["p95_ms"]) <= TARGET_ENGINE_P95_S * 1000,
        "slack_target_met": percentiles(slack)["p95_ms"] <= TARGET_SLACK_P95_S * 1000,
        "polish": {
            "products": len(polish), "budget_s": args.polish_budget,
            "accepted_drafts": sum(r["accepted"] for r in polish),
            "parts": total_parts, "parts_rewritten": sum(r["parts_rewritten"] for r in polish),
            "accepted_part_share": round(sum(r["parts_rewritten"] for r in polish) / total_parts, 3) if total_parts else None,
            "never_worse_by_the_ranker": all(r["never_worse"] for r in polish),
            "rows": polish,
        },
    }
    write_result("first_draft", summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Faults the bot must say out loud, with nothing stored lost: the model server down (COPYDESK_LLM_API_BASE at a
dead port) and the Chroma store gone at a restart. (Web API storms: test_owed.py; kill -9: test_crash_recovery.py.)"""

from __future__ import annotations

import json
import shutil
import socket

from tests.bot.conftest import said_in_thread, start_http_bot

CHANNEL = "C0TEST"


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


def _wait_said(bot, ts: str, needle: str, timeout: float = 90) -> str:
    bot.slack.wait_for(lambda calls: any(needle in s for s in said_in_thread(calls, CHANNEL, ts)), timeout)
    return " ".join(said_in_thread(list(bot.slack.calls), CHANNEL, ts))


def test_model_server_down_the_first_draft_stands_and_the_thread_says_why(slack, make_services, sample_catalog):
    from generators.text.factory import load_text_generator

    product = sample_catalog.products[0]
    with start_http_bot(slack, make_services, llm_api_base=_dead_url(), polish_budget_s=30) as bot:
        bot.services.__dict__["text_generator"] = load_text_generator(bot.services.settings)
        _, ts = bot.sender.mention(f"draft {product.sku}")
        said = _wait_said(bot, ts, "Polishing failed")
        assert "text model server at http://127.0.0.1" in said and "did not answer" in said
        assert "this is the first draft" in said
        bot.wait_idle()
        draft_id = bot.bot.state.thread(f"slack:{CHANNEL}:{ts}").draft_id
        assert bot.services.drafts.get(draft_id).sku == product.sku  # stored
        bot.sender.thread_reply("approve", thread_ts=ts)
        _wait_said(bot, ts, f"Approved {draft_id} v1")
        assert [d.draft_id for d in bot.services.drafts.approved(CHANNEL)] == [draft_id]


def test_chroma_store_gone_at_a_restart_is_said_and_drafts_stay(slack, make_services, sample_catalog, tmp_path,
                                                                caplog):
    from retrieval.catalog import Catalog

    product = sample_catalog.products[1]
    with start_http_bot(slack, make_services, polish_budget_s=0) as bot:  # before: a draft in a thread
        _, ts = bot.sender.mention(f"draft {product.sku}")
        _wait_said(bot, ts, "Facts used")
        bot.wait_idle()
        draft_id = bot.bot.state.thread(f"slack:{CHANNEL}:{ts}").draft_id

    gone_home = tmp_path / "catalog-after"  # a home of its own (Chroma keeps one client per path per process)
    shutil.copytree(sample_catalog.home, gone_home)
    counts = next(gone_home.glob("*-catalog-counts.json"))  # as if it had been ingested here
    recorded = json.loads(counts.read_text())
    counts.write_text(json.dumps({**recorded, "store": str(gone_home / "chroma")}))
    shutil.rmtree(gone_home / "chroma")  # the store is deleted while copydesk is down
    with start_http_bot(slack, make_services, polish_budget_s=0) as bot:  # the restart, on the same state
        settings = bot.services.settings.model_copy(update={"home": gone_home})
        catalog = Catalog.open(settings)
        assert catalog.store_warning and "deleted or emptied" in catalog.store_warning
        assert any("deleted or emptied" in r.getMessage() for r in caplog.records)  # said at start-up too
        bot.services.__dict__["catalog"] = catalog
        bot.services.__dict__.pop("copy_chain", None)
        _, lost = bot.sender.mention(f"draft {product.sku}")
        said = _wait_said(bot, lost, "deleted or emptied")
        assert "ingest" in said and "No product matches" not in said
        bot.sender.thread_reply("approve", thread_ts=ts)  # the old thread's draft is still there
        _wait_said(bot, ts, f"Approved {draft_id} v1")
        assert bot.services.drafts.get(draft_id).sku == product.sku

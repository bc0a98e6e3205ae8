"""Eval: metrics, the raw-listing parser, and a tiny end-to-end run with both baselines."""

from __future__ import annotations

import json
from pathlib import Path

from chains.evaluation.run import EvalConfig, parse_listing, run_eval
from chains.evaluation.metrics import distinct_n, measure
from copydesk.domain import BrandRules, Draft, Product
from copydesk.settings import Settings
from retrieval.facts import facts_for
from tests.chains.drafting.fixtures import write_subset

TOASTER = Product(sku="T1", title="Acme Toaster 2-Slice Black", brand="Acme", attributes={"Colour": "Black",
                  "Power": "800 W", "Slots": "2"}, description="A compact black toaster with two slots.")


def test_distinct_n() -> None:
    assert distinct_n(["a b a b"], 1) == 0.5
    assert distinct_n(["a b", "b c"], 2) == 1.0
    assert distinct_n([""], 2) == 0.0


def test_measure_counts_planted_hallucinations_and_rouge() -> None:
    facts = facts_for(TOASTER, include_description=False)
    good = Draft(sku="T1", title="Acme Toaster 2-Slice Black", bullets=["800 W of power."],
                 description="A black toaster with 2 slots.")
    bad = good.model_copy(update={"bullets": ["1500 W of power."], "description": "A red toaster made of titanium."})
    m_good = measure(good, TOASTER, facts, BrandRules(), "generic", reference=TOASTER.description)
    m_bad = measure(bad, TOASTER, facts, BrandRules(), "generic", reference=TOASTER.description)
    assert m_good.unsupported == 0 and m_good.checkable > 0 and m_good.complete
    assert m_bad.unsupported >= 2 and any("1500" in c for c in m_bad.unsupported_claims)
    assert m_good.coverage > 0 and m_good.rouge_l and 0 < m_good.rouge_l <= 1
    assert m_good.violations == []


def test_parse_listing_reads_the_raw_format_and_free_text() -> None:
    text = "Title: Acme Toaster\nBullets:\n- Two slots\n- 800 W\nDescription: A toaster.\nIt toasts."
    assert parse_listing(text) == ("Acme Toaster", ["Two slots", "800 W"], "A toaster. It toasts.")
    assert parse_listing("Just a line\n1. one\n2. two\nSome prose.") == ("Just a line", ["one", "two"], "Some prose.")
    assert parse_listing("") == ("", [], "")


def test_eval_runs_pipeline_and_both_baselines(tmp_path: Path, shared_data: Path, tiny_lm_dir: Path) -> None:
    from generators.text.factory import load_text_generator

    files = write_subset(shared_data, tmp_path / "data")
    settings = Settings(home=tmp_path / "home", llm=str(tiny_lm_dir), candidates=2, max_new_tokens=8,
                        llm_threads=1, _env_file=None)
    config = EvalConfig(products=files, limit=1, channel="amazon", out=tmp_path / "out", raw_max_new_tokens=16)
    lines: list[str] = []
    report = run_eval(config, settings, load_text_generator(settings), progress=lines.append)
    data = json.loads(report.json_path.read_text(encoding="utf-8"))
    assert data["products_evaluated"] == 2 and len(lines) == 2
    overall = data["overall"]
    assert {"pipeline", "template", "raw", "pipeline_detail"} <= overall.keys()
    for system in ("pipeline", "template", "raw"):
        assert {"unsupported_rate", "key_fact_coverage", "violations", "distinct_1", "distinct_2", "rouge_l",
                "latency_mean_s"} <= overall[system].keys()
    assert overall["pipeline"]["unsupported_claims"] == 0  # verified drafts state nothing unsupported
    assert overall["pipeline"]["violations"] == 0
    assert overall["pipeline"]["rouge_l"] is not None  # the toys rows have human copy
    detail = overall["pipeline_detail"]
    assert detail["steps"] > 0 and detail["steps_from_template"] <= detail["steps"]
    # issue 12 item 6: the copy measures, per system, from chains/evaluation/copy_quality.py
    for system in ("pipeline", "template", "raw"):
        copy = overall[system]["copy"]
        assert {"spec_dump_drafts", "bare_label_bullet_rate", "bullets_without_fact", "drafts_with_bare_numbers",
                "most_repeated_filler_share", "key_fact_coverage_value_stated", "distinct_2_within_category"} <= copy.keys()
    assert overall["template"]["copy"]["spec_dump_drafts"] == 2  # the spec-sheet baseline is a spec dump
    assert 0.0 <= detail["model_share_of_final_parts"] <= 1.0
    assert 0.0 < detail["time_to_first_draft_p50_s"] <= detail["time_to_first_draft_max_s"]
    assert set(data["by_dataset"]) == {"icecat-sample", "amazon-sample"}
    markdown = report.markdown_path.read_text(encoding="utf-8")
    assert "unsupported-claim rate" in markdown and "fell back to the template" in markdown
    assert "spec-dump drafts" in markdown and "Time to the first complete draft" in markdown
    for run in data["per_product"]:
        assert run["drafts"]["pipeline"]["title"]

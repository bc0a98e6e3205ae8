"""The eval's Markdown report, from the same data as its JSON."""

from __future__ import annotations

ROWS = [
    ("drafts", "drafts", "{:d}"),
    ("complete drafts (title, bullets, description)", "complete_drafts", "{:d}"),
    ("checkable claims", "checkable_claims", "{:d}"),
    ("unsupported claims (the gate's own count)", "unsupported_claims", "{:d}"),
    ("unsupported-claim rate (the gate's own count)", "unsupported_rate", "{:.1%}"),
    ("key-fact coverage (mean)", "key_fact_coverage", "{:.1%}"),
    ("style/channel violations", "violations", "{:d}"),
    ("drafts with violations", "drafts_with_violations", "{:d}"),
    ("distinct-1", "distinct_1", "{:.3f}"),
    ("distinct-2", "distinct_2", "{:.3f}"),
    ("ROUGE-L F vs human copy (mean)", "rouge_l", "{:.3f}"),
    ("latency mean (s)", "latency_mean_s", "{:.2f}"),
    ("latency p50 (s)", "latency_p50_s", "{:.2f}"),
    ("latency max (s)", "latency_max_s", "{:.2f}"),
]
SYSTEMS = ("pipeline", "template", "raw")
COPY_ROWS = [  # chains/evaluation/copy_quality.py (issue 12 item 6)
    ("spec-dump drafts", "spec_dump_drafts", "{:d}"),
    ("bare label bullets (share)", "bare_label_bullet_rate", "{:.1%}"),
    ("bullets without a fact", "bullets_without_fact", "{:d}"),
    ("drafts with a number lacking its unit", "drafts_with_bare_numbers", "{:d}"),
    ("most repeated filler sentence (share of drafts)", "most_repeated_filler_share", "{:.0%}"),
    ("key-fact coverage (value stated)", "key_fact_coverage_value_stated", "{:.1%}"),
    ("distinct-2 within a category", "distinct_2_within_category", "{:.3f}"),
]


def _cell(value, fmt: str) -> str:
    if value is None:
        return "–"
    return fmt.format(value)


def table(summary: dict) -> list[str]:
    systems = [s for s in SYSTEMS if s in summary]
    lines = ["| metric | " + " | ".join(systems) + " |", "| --- |" + " ---: |" * len(systems)]
    for label, key, fmt in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(summary[s].get(key), fmt) for s in systems) + " |")
    lines += [f"| {label} | " + " | ".join(_cell((summary[s].get("copy") or {}).get(key), fmt) for s in systems) + " |"
              for label, key, fmt in COPY_ROWS]
    detail = summary.get("pipeline_detail", {})
    if detail.get("time_to_first_draft_p50_s") is not None:
        lines += ["", f"Time to the first complete draft (realized, before any model work): p50 "
                      f"{detail['time_to_first_draft_p50_s']:.2f} s, max {detail['time_to_first_draft_max_s']:.2f} s; "
                      f"the model's text stands in {detail.get('model_share_of_final_parts', 0.0):.0%} of the final parts."]
    if detail.get("steps"):
        lines += [
            "",
            f"Pipeline: {detail['steps_from_template']} of {detail['steps']} generation steps "
            f"({detail['template_fallback_rate']:.0%}) fell back to the template because no candidate passed "
            f"verification; {detail['drafts_entirely_template']} of {summary['pipeline']['drafts']} final drafts "
            f"are entirely the template's; {detail['candidates_passed']} of {detail['candidates_generated']} "
            f"model candidates passed; {detail['sentences_dropped']} unsupported sentences were dropped from "
            "description candidates.",
        ]
    return lines


def verifier_lines(verifier: dict | None) -> list[str]:
    """The judge first: how the verifier that counted the claims below does on hand-labelled sentences."""
    if not verifier:
        return ["**Verifier:** not measured on the labelled claim set in this run."]
    every, held = verifier["all"], verifier["held_out"]
    return [
        "## The verifier that counted",
        "",
        f"Verifier version {verifier['version']}, measured on the hand-labelled claim set "
        f"(`{verifier['labelled_set']}`, {every['sentences']} sentences; `python -m bench.verifier_labelled` "
        f"writes `{verifier['bench_result']}`):",
        "",
        "| | all | held out |",
        "| --- | ---: | ---: |",
        f"| accepts supported + praise-only sentences | {every['acceptance_supported_and_praise']:.1%} | "
        f"{held['acceptance_supported_and_praise']:.1%} |",
        f"| rejects unsupported sentences + planted errors | {every['recall_unsupported_and_planted']:.1%} | "
        f"{held['recall_unsupported_and_planted']:.1%} |",
        "",
        "The unsupported-claim counts below come from this same verifier, which also filtered the pipeline's "
        "drafts: for the pipeline they are the gate's own count, bounded by the miss rate above, not "
        "independent evidence. For the raw and template baselines they are an estimate with the same error.",
    ]


def markdown(data: dict) -> str:
    config = data["config"]
    lines = [
        "# Copy evaluation",
        "",
        f"Model `{config['model']}`, {config['candidates']} candidates per step, at most {config['max_new_tokens']} new "
        f"tokens per step, temperature {config['temperature']}, seed {config['seed']}; channel `{config['channel']}`, "
        f"brand `{config['brand']}`. {data['products_evaluated']} of {data['products_planned']} planned products "
        f"({config['limit_per_file']} per file) from {', '.join(config['products'])}; wall time {data['wall_s']} s.",
        "",
        "Systems: **pipeline** = the copy chain (small steps, number-constrained decoding, verification, rules, "
        "ranking, template fallback); **template** = the phase-1 template pipeline; **raw** = the same model with "
        "one plain prompt holding the facts, no verification or ranking. All three draft from facts without the "
        "product's human description; ROUGE-L compares the description with it. The same verifier counts "
        "every system's claims.",
    ]
    if data.get("stopped_early"):
        lines += ["", f"**Note:** {data['stopped_early']}."]
    lines += ["", *verifier_lines(data.get("verifier"))]
    lines += ["", "## All products", "", *table(data["overall"])]
    for name, summary in data["by_dataset"].items():
        if summary.get("pipeline"):
            lines += ["", f"## {name}", "", *table(summary)]
    lines += ["", "## Per product", "",
              "| dataset | sku | pipeline unsupported/checkable | raw unsupported/checkable | coverage | "
              "ROUGE-L | steps from template | s |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in data["per_product"]:
        m = run["metrics"]
        p, raw = m["pipeline"], m.get("raw")
        raw_cell = f"{raw['unsupported']}/{raw['checkable']}" if raw else "–"
        rouge = "–" if p["rouge_l"] is None else f"{p['rouge_l']:.3f}"
        lines.append(f"| {run['dataset']} | {run['sku']} | {p['unsupported']}/{p['checkable']} | {raw_cell} | "
                     f"{p['coverage']:.0%} | {rouge} | {run['parts_template']}/{run['parts_total']} | "
                     f"{run['latency']['pipeline']:.1f} |")
    runs = data["per_product"]
    firsts = [next(r for r in runs if r["dataset"] == name) for name in dict.fromkeys(r["dataset"] for r in runs)]
    with_model = [r for r in runs if r["origin"] == "model" and r not in firsts][:2]
    examples = firsts + with_model  # one per dataset, and drafts where model text won
    if examples:
        lines += ["", "## Examples", ""]
        for run in examples:
            lines += [f"### {run['sku']}: {run['title'][:90]} (final draft: {run['origin']})", ""]
            for system, draft in run["drafts"].items():
                bullets = "".join(f"\n  - {b}" for b in draft["bullets"])
                lines += [f"- **{system}**: _{draft['title']}_{bullets}\n  \n  {draft['description']}"]
            lines.append("")
    return "\n".join(lines) + "\n"

"""Base model vs phase-2 vs phase-3 adapters, side by side, with the copy chain's own eval.

    python -m bench.eval_adapters --base MODEL_DIR --adapter phase2=DIR --adapter phase3=DIR \
        --products heldout/icecat-electronics.jsonl --products heldout/amazon-uk-toys.csv \
        --limit 15 --out OUT [--time-budget 150]

Each model runs `chains.evaluation.run.run_eval` (what `copydesk eval` runs) on the same held-out rows, then
one table compares them. Written to run on a GPU machine that has torch and transformers but no
Chroma: the eval uses no brand, so its scratch catalog is never consulted, and this driver hands it
none instead of opening a Chroma store (`_NoCatalog`). Everything else is the eval's own code.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import chains.evaluation.run as evaluation
from copydesk.settings import Settings
from generators.text import load_text_generator
from generators.text.factory import clear_cache

METRICS = ("unsupported_rate", "checkable_claims", "key_fact_coverage", "rouge_l", "distinct_2", "violations",
           "complete_drafts", "latency_mean_s")


class _NoCatalog:
    """Stands in for retrieval.catalog.Catalog when no brand is used (the eval then never reads it)."""

    @staticmethod
    def open(settings):  # noqa: ANN001, ANN205
        return None


def run(base: str, adapters: dict[str, str | None], products: list[Path], limit: int, out: Path,
        time_budget: float | None, candidates: int, raw: bool) -> dict:
    evaluation.Catalog = _NoCatalog  # type: ignore[assignment]
    results: dict[str, dict] = {}
    for name, adapter in adapters.items():
        settings = Settings(home=out / name / "home", llm=base, llm_adapter=adapter, candidates=candidates,
                            _env_file=None)
        clear_cache()
        started = time.perf_counter()
        generator = load_text_generator(settings)
        config = evaluation.EvalConfig(products=products, limit=limit, out=out / name, raw_baseline=raw and adapter is None,
                                       time_budget_s=time_budget)
        report = evaluation.run_eval(config, settings, generator, progress=print)
        results[name] = {"adapter": adapter, "wall_s": round(time.perf_counter() - started, 1), **report.data}
    comparison = compare(results)
    (out / "comparison.json").write_text(json.dumps(comparison, indent=2), encoding="utf-8")
    (out / "comparison.md").write_text(markdown(comparison), encoding="utf-8")
    return comparison


def compare(results: dict[str, dict]) -> dict:
    rows = []
    for name, data in results.items():
        for scope, summary in [("overall", data["overall"]), *data["by_dataset"].items()]:
            pipeline = summary.get("pipeline", {})
            detail = summary.get("pipeline_detail", {})
            rows.append({"model": name, "scope": scope, **{m: pipeline.get(m) for m in METRICS},
                         "template_fallback_rate": detail.get("template_fallback_rate"),
                         "candidates_passed": detail.get("candidates_passed"),
                         "candidates_generated": detail.get("candidates_generated"),
                         "sentences_dropped": detail.get("sentences_dropped")})
            if "raw" in summary:
                rows.append({"model": f"{name} (raw prompt)", "scope": scope, **{m: summary["raw"].get(m) for m in METRICS}})
    products = {name: data["products_evaluated"] for name, data in results.items()}
    return {"rows": rows, "products_evaluated": products,
            "stopped_early": {n: d["stopped_early"] for n, d in results.items()},
            "wall_s": {n: d["wall_s"] for n, d in results.items()}}


def compare_common(evals: dict[str, Path], dataset: str | None = None) -> dict:
    """Side by side on the products every run evaluated (a run cut by its time budget did fewer)."""
    from chains.evaluation.metrics import distinct_n

    runs = {name: json.loads(path.read_text(encoding="utf-8")) for name, path in evals.items()}
    common = set.intersection(*({p["sku"] for p in r["per_product"] if dataset in (None, p["dataset"])}
                                for r in runs.values()))
    rows = []
    for name, data in runs.items():
        chosen = [p for p in data["per_product"] if p["sku"] in common]
        systems = ["pipeline"] + (["raw"] if all("raw" in p["metrics"] for p in chosen) else [])
        for system in systems:
            metrics = [p["metrics"][system] for p in chosen]
            texts = [" ".join([p["drafts"][system]["title"], *p["drafts"][system]["bullets"], p["drafts"][system]["description"]])
                     for p in chosen]
            rouges = [m["rouge_l"] for m in metrics if m["rouge_l"] is not None]
            checkable = sum(m["checkable"] for m in metrics)
            row = {"model": name if system == "pipeline" else f"{name} (raw prompt)", "products": len(chosen),
                   "complete_drafts": sum(bool(m["complete"]) for m in metrics), "checkable_claims": checkable,
                   "unsupported_rate": sum(m["unsupported"] for m in metrics) / checkable if checkable else 0.0,
                   "key_fact_coverage": sum(m["coverage"] for m in metrics) / len(metrics),
                   "rouge_l": sum(rouges) / len(rouges) if rouges else None,
                   "distinct_2": distinct_n(texts, 2), "violations": sum(len(m["violations"]) for m in metrics),
                   "latency_mean_s": sum(p["latency"][system] for p in chosen) / len(chosen)}
            if system == "pipeline":
                parts = sum(p["parts_total"] for p in chosen)
                row["template_fallback_rate"] = sum(p["parts_template"] for p in chosen) / parts if parts else None
                row["drafts_entirely_template"] = sum(p["origin"] == "template" for p in chosen)
                row["candidates_passed"] = sum(p["candidates_passed"] for p in chosen)
                row["candidates_generated"] = sum(p["candidates_generated"] for p in chosen)
                row["sentences_dropped"] = sum(p["sentences_dropped"] for p in chosen)
            rows.append(row)
    return {"dataset": dataset, "common_products": sorted(common), "rows": rows}


def common_markdown(comparison: dict) -> str:
    head = ["model", "products", "complete_drafts", "checkable_claims", "unsupported_rate", "key_fact_coverage",
            "rouge_l", "distinct_2", "violations", "template_fallback_rate", "drafts_entirely_template",
            "candidates_passed", "candidates_generated", "sentences_dropped", "latency_mean_s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in comparison["rows"]:
        cells = [row.get(h, "") for h in head]
        lines.append("| " + " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def markdown(comparison: dict) -> str:
    head = ["model", "scope", *METRICS, "template_fallback_rate", "candidates_passed", "candidates_generated"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in comparison["rows"]:
        cells = [row.get(h) for h in head]
        lines.append("| " + " | ".join(f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_adapters", description=__doc__)
    parser.add_argument("--compare", action="append", default=[], help="NAME=EVAL_JSON: only compare finished runs")
    parser.add_argument("--dataset", default=None, help="with --compare: only this dataset's products")
    parser.add_argument("--base")
    parser.add_argument("--adapter", action="append", default=[], help="NAME=DIR (repeatable)")
    parser.add_argument("--products", action="append", type=Path, default=[])
    parser.add_argument("--limit", type=int, default=15)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--time-budget", type=float, default=None, help="seconds per model")
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--no-raw", action="store_true")
    parser.add_argument("--only", default=None, help="comma-separated model names to run (default: all)")
    args = parser.parse_args()
    if not args.compare and not (args.base and args.products and args.out):
        print("bench.eval_adapters needs --base, --products and --out (or --compare); nothing to do")
        return
    if args.compare:
        evals = {name: Path(path) for name, _, path in (item.partition("=") for item in args.compare)}
        result = compare_common(evals, args.dataset)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            name = f"comparison-common-{args.dataset}.json" if args.dataset else "comparison-common.json"
            (args.out / name).write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(common_markdown(result))
        return
    adapters: dict[str, str | None] = {"base": None}
    for item in args.adapter:
        name, _, folder = item.partition("=")
        adapters[name] = folder
    if args.only:
        adapters = {k: v for k, v in adapters.items() if k in args.only.split(",")}
    comparison = run(args.base, adapters, args.products, args.limit, args.out, args.time_budget, args.candidates,
                     not args.no_raw)
    print(markdown(comparison))


if __name__ == "__main__":
    main()

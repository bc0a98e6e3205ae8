"""Evaluation: drafts for N products of a dataset, against two baselines in the same run.

Systems: `pipeline` (the copy chain: small steps, constrained decoding, verification, rules, ranking,
template fallback), `template` (phase 1: template_draft + rules), `raw` (the same model with one plain
prompt holding the facts, no verification or ranking). All three draft from the product's facts
WITHOUT its human description, so ROUGE-L against that description measures writing, not copying.
The verifier judges every system's claims alike; being the pipeline's own gate, its count is not evidence of
the pipeline's grounding, so the report leads with the verifier's figures on the hand-labelled claim set
(chains/evaluation/labelled.py) and names the verifier version that counted. Writes eval.json and eval.md under the out folder,
after every product, so a run cut short still leaves a report of what it did.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from chains.drafting import CopyChain, DraftResult
from chains.drafting import fact_lines
from copydesk.state.drafts import DraftStore
from chains.evaluation.copy_quality import category_of, distinct_2_within_category, draft_text, judge_copy, summarise_copy
from chains.evaluation.labelled import verifier_figures
from chains.evaluation.report import markdown
from chains.evaluation.metrics import DraftMetrics, measure, summarise
from chains.prompts import render
from chains.rules import apply_rules
from chains.drafting import template_draft
from copydesk.domain import Draft, Fact, Product
from copydesk.errors import InputError
from copydesk.paths import EXAMPLES_DIR
from copydesk.settings import Settings
from generators.text.base import ChatMessage, TextGenerator
from retrieval.catalog import Catalog
from retrieval.readers import RowError, read_products

SYSTEMS = ("pipeline", "template", "raw")


@dataclass
class EvalConfig:
    products: list[Path]
    limit: int = 20  # per product file
    channel: str = "generic"
    brand: str | None = None
    out: Path = Path("eval-out")
    skip: int = 0
    raw_baseline: bool = True
    raw_max_new_tokens: int = 160
    time_budget_s: float | None = None  # stop starting new products after this long (said in the report)


@dataclass
class ProductRun:
    dataset: str
    sku: str
    title: str
    latency: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, DraftMetrics] = field(default_factory=dict)
    copy: dict[str, dict] = field(default_factory=dict)  # chains/evaluation/copy_quality.judge_copy per system
    category: str = ""
    drafts: dict[str, dict] = field(default_factory=dict)
    origin: str = ""
    parts_total: int = 0
    parts_template: int = 0
    sentences_dropped: int = 0
    candidates_generated: int = 0
    candidates_passed: int = 0
    parts_model: int = 0  # final parts whose text is the model's


@dataclass
class EvalReport:
    json_path: Path
    markdown_path: Path
    data: dict


def load_products(path: Path, *, limit: int, skip: int = 0) -> tuple[list[Product], int]:
    """The first `limit` readable products after `skip`, and how many rows could not be read on the way."""
    products: list[Product] = []
    errors = 0
    for item in read_products(path):
        if isinstance(item, RowError):
            errors += 1
            continue
        if skip:
            skip -= 1
            continue
        products.append(item)
        if len(products) >= limit:
            break
    if not products:
        raise InputError(f"No readable products in {path}.", hint="Check the file with `copydesk ingest products FILE`, which reports each unreadable row.")
    return products, errors


def run_eval(
    config: EvalConfig, settings: Settings, generator: TextGenerator | None,
    progress: Callable[[str], None] = lambda line: None,
) -> EvalReport:
    config.out.mkdir(parents=True, exist_ok=True)
    scratch = settings.model_copy(update={"home": (config.out / "scratch-home").resolve()})
    catalog = Catalog.open(scratch)
    if config.brand:
        _ensure_brand(catalog, config.brand)
    chain = CopyChain(catalog, generator, DraftStore(scratch.db_path), scratch)
    datasets = {path.stem: load_products(path, limit=config.limit, skip=config.skip) for path in config.products}
    runs: list[ProductRun] = []
    started = time.perf_counter()
    stopped_early = None
    for dataset, product in interleave(datasets):  # a run cut short by the time budget still covers every file
        if config.time_budget_s and time.perf_counter() - started > config.time_budget_s:
            stopped_early = f"stopped after {len(runs)} products: the time budget of {config.time_budget_s:.0f} s ran out"
            break
        run = evaluate_product(chain, product, dataset, config, generator)
        runs.append(run)
        pipeline = run.metrics["pipeline"]
        progress(f"[{len(runs)}] {dataset} {product.sku}: {run.latency['pipeline']:.1f}s, "
                 f"unsupported {pipeline.unsupported}/{pipeline.checkable}, origin {run.origin}")
        _write(config, settings, generator, datasets, runs, stopped_early, time.perf_counter() - started)
    return _write(config, settings, generator, datasets, runs, stopped_early, time.perf_counter() - started)


def interleave(datasets: dict[str, tuple[list[Product], int]]) -> list[tuple[str, Product]]:
    """Products of the files in turn: a1, b1, a2, b2, ..."""
    queues = {name: list(products) for name, (products, _) in datasets.items()}
    order: list[tuple[str, Product]] = []
    while any(queues.values()):
        for name, queue in queues.items():
            if queue:
                order.append((name, queue.pop(0)))
    return order


def evaluate_product(
    chain: CopyChain, product: Product, dataset: str, config: EvalConfig, generator: TextGenerator | None
) -> ProductRun:
    ctx = chain.context(product, brand=config.brand, channel=config.channel, include_description=False)
    facts, rules, channel = ctx.facts, ctx.rules, ctx.channel
    reference = product.description
    run = ProductRun(dataset, product.sku, product.title, category=category_of(product, dataset))

    started = time.perf_counter()  # what a user sees first: the complete realized draft, before any model work
    chain.compose(product, brand=config.brand, channel=channel, include_description=False, use_model=False)
    run.latency["first_draft"] = time.perf_counter() - started

    started = time.perf_counter()
    result: DraftResult = chain.compose(product, brand=config.brand, channel=channel, include_description=False)
    run.latency["pipeline"] = time.perf_counter() - started
    run.origin = result.draft.origin
    run.parts_total = len(result.parts)
    run.parts_template = sum(1 for p in result.parts if p.origin == "template")
    run.sentences_dropped = sum(p.dropped_sentences for p in result.parts)
    run.candidates_generated = sum(p.generated for p in result.parts)
    run.candidates_passed = sum(p.passed for p in result.parts)
    run.parts_model = sum(1 for p in result.parts if p.origin == "model")
    drafts = {"pipeline": result.draft}

    started = time.perf_counter()
    drafts["template"] = apply_rules(template_draft(product, facts, rules, channel), rules, channel)
    run.latency["template"] = time.perf_counter() - started

    if generator is not None and config.raw_baseline:
        started = time.perf_counter()
        drafts["raw"] = raw_draft(generator, product, facts, channel, chain.settings, config.raw_max_new_tokens)
        run.latency["raw"] = time.perf_counter() - started

    for system, draft in drafts.items():
        run.metrics[system] = measure(draft, product, facts, rules, channel, reference=reference)
        run.copy[system] = judge_copy(draft, product, facts)
        run.copy[system]["text"] = draft_text(draft)
        run.drafts[system] = {"title": draft.title, "bullets": draft.bullets, "description": draft.description}
    return run


def _median(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def raw_draft(
    generator: TextGenerator, product: Product, facts: list[Fact], channel: str, settings: Settings, tokens: int
) -> Draft:
    """The baseline: the whole listing from one plain prompt, parsed leniently, nothing checked."""
    prompt = render("raw_listing", facts=fact_lines(facts))
    generation = generator.generate(
        [ChatMessage("user", prompt)], n=1, max_new_tokens=tokens, temperature=settings.temperature, seed=settings.seed
    )[0]
    title, bullets, description = parse_listing(generation.text)
    return Draft(sku=product.sku, channel=channel, title=title, bullets=bullets, description=description, origin="model")


def parse_listing(text: str) -> tuple[str, list[str], str]:
    """Title / bullets / description from free model text in (roughly) the raw_listing format."""
    title, bullets, description = "", [], []
    section = "title"
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        lower = line.lower()
        if lower.startswith("title:"):
            title, section = line[6:].strip(), "after-title"
        elif lower.startswith(("bullets:", "bullet points:")):
            section = "bullets"
        elif lower.startswith("description:"):
            description.append(line[12:].strip())
            section = "description"
        elif re.match(r"^([-*•]|\d+[.)])\s+", line) and section != "description":
            bullets.append(re.sub(r"^([-*•]|\d+[.)])\s+", "", line))
        elif section == "title" and not title:
            title, section = line, "after-title"
        elif section == "description" or (section == "after-title" and bullets):
            description.append(line)
            section = "description"
    return title, bullets, " ".join(d for d in description if d)


def _ensure_brand(catalog: Catalog, brand: str) -> None:
    if brand.lower() in (b.lower() for b in catalog.brands()):
        return
    guide = EXAMPLES_DIR / "brands" / brand / "guide.md"
    if not guide.is_file():
        raise InputError(f"No style guide for brand {brand!r} in {guide.parent}.", hint="Leave out --brand or add a guide.")
    catalog.ingest_styles(guide, brand)


def _write(config, settings, generator, datasets, runs, stopped_early, seconds) -> EvalReport:
    data = report_data(config, settings, generator, datasets, runs, stopped_early, seconds)
    json_path, md_path = config.out / "eval.json", config.out / "eval.md"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    md_path.write_text(markdown(data), encoding="utf-8")
    return EvalReport(json_path, md_path, data)


def report_data(config, settings, generator, datasets, runs: list[ProductRun], stopped_early, seconds) -> dict:
    def summary(selected: list[ProductRun]) -> dict:
        systems = {}
        for system in SYSTEMS:
            pairs = [(r.metrics[system], r.latency[system]) for r in selected if system in r.metrics]
            if pairs:
                systems[system] = summarise([m for m, _ in pairs], [s for _, s in pairs])
                rows = [r.copy[system] for r in selected if system in r.copy]
                texts: dict[str, list[str]] = {}
                for r in selected:
                    if system in r.copy:
                        texts.setdefault(f"{r.dataset}:{r.category}", []).append(r.copy[system]["text"])
                systems[system]["copy"] = {**summarise_copy(rows),
                                           "distinct_2_within_category": distinct_2_within_category(texts)}
        parts = sum(r.parts_total for r in selected)
        systems["pipeline_detail"] = {
            "steps": parts,
            "steps_from_template": sum(r.parts_template for r in selected),
            "template_fallback_rate": sum(r.parts_template for r in selected) / parts if parts else None,
            "drafts_entirely_template": sum(1 for r in selected if r.origin == "template"),
            "sentences_dropped": sum(r.sentences_dropped for r in selected),
            "candidates_generated": sum(r.candidates_generated for r in selected),
            "candidates_passed": sum(r.candidates_passed for r in selected),
            "model_share_of_final_parts": sum(r.parts_model for r in selected) / parts if parts else 0.0,
            "time_to_first_draft_p50_s": _median([r.latency["first_draft"] for r in selected if "first_draft" in r.latency]),
            "time_to_first_draft_max_s": max((r.latency["first_draft"] for r in selected if "first_draft" in r.latency),
                                             default=None),
        }
        return systems

    return {
        "config": {
            "products": [str(p) for p in config.products], "limit_per_file": config.limit, "skip": config.skip,
            "channel": config.channel, "brand": config.brand, "time_budget_s": config.time_budget_s,
            "model": getattr(generator, "name", None), "candidates": settings.candidates,
            "max_new_tokens": settings.max_new_tokens, "temperature": settings.temperature, "seed": settings.seed,
            "raw_max_new_tokens": config.raw_max_new_tokens,
        },
        "products_evaluated": len(runs),
        "products_planned": sum(len(products) for products, _ in datasets.values()),
        "unreadable_rows_skipped": {name: errors for name, (_, errors) in datasets.items()},
        "stopped_early": stopped_early,
        "wall_s": round(seconds, 1),
        "verifier": verifier_figures(),
        "overall": summary(runs),
        "by_dataset": {name: summary([r for r in runs if r.dataset == name]) for name in datasets},
        "per_product": [
            {**{k: v for k, v in asdict(r).items() if k not in {"metrics", "copy"}},
             "metrics": {s: {k: v for k, v in asdict(m).items() if k != "text"} for s, m in r.metrics.items()},
             "copy": {s: {k: v for k, v in c.items() if k != "text"} for s, c in r.copy.items()}}
            for r in runs
        ],
    }

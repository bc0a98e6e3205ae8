"""bench.realization: the first draft (realized, no model) on 50 Icecat + 50 Amazon UK toys products, channel
amazon, against the old template draft (the spec-sheet baseline) in the same run.

The measures are chains/evaluation/copy_quality.py's (shared with `copydesk eval`, written apart from the code
that makes the drafts): spec dumps (bare label bullets, "The <label> is <value>." sentences), bullets without a
fact, fact-free filler repeated across drafts, numbers without a unit or counting noun, key-fact coverage (the
verifier's attribution, value stated, plain string), Amazon's title and bullet rules; unsupported claims come
from the verifier (GroundingVerifier), rule violations from chains.rules.check_rules (the independent checker),
ROUGE-L from rouge-score against the human Amazon description, which is left OUT of the facts.
Also: the same toy in a playful and a technical brand voice, and the "warmer" / "more technical" refinements.

Run: `.venv/bin/python -m bench.realization [--limit 50]`. Writes bench/results/realization.json and, for reading,
bench/results/realization-drafts.md (every draft).
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench._common import machine, write_result
from chains.drafting import CopyChain, refine_draft, template_draft
from chains.evaluation import category_of, distinct_2_within_category, draft_text, judge_copy, summarise_copy
from chains.evaluation.metrics import measure
from retrieval.readers import RowError, read_products
from chains.grounding import GroundingVerifier
from chains.rules import apply_rules, check_rules
from copydesk.domain import BrandRules, Draft, Fact, Product
from copydesk.paths import EXAMPLES_DIR, SHARED_DATA_DIR
from copydesk.settings import Settings
from copydesk.state.drafts import DraftStore
from retrieval.catalog import Catalog
from retrieval.facts import facts_for
from retrieval.styles.parse import load_front_matter, split_front_matter
from rouge_score import rouge_scorer

PRODUCTS = SHARED_DATA_DIR / "products"
RESULTS = Path(__file__).resolve().parent / "results"
_ROUGE = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def load_products(path: Path, *, limit: int) -> tuple[list[Product], int]:
    """The first `limit` readable products of a file (as the copy eval picks them)."""
    products = [p for p in read_products(path) if not isinstance(p, RowError)][:limit]
    return products, 0


# --- one draft ------------------------------------------------------------------------------------------
def judge(draft: Draft, product: Product, facts: list[Fact]) -> dict:
    """The shared copy measures (chains/evaluation/copy_quality.py) plus the verifier's claim counts and the
    independent rule checker's violations."""
    row = judge_copy(draft, product, facts)
    metrics = measure(draft, product, facts, BrandRules(), "amazon", reference=None)
    verifier = GroundingVerifier(product, facts)
    dropped = [s for line in draft.description.splitlines() for s in verifier.check_text(line, "description").dropped_sentences]
    return {**row, "checkable": metrics.checkable, "unsupported": metrics.unsupported,
            "unsupported_claims": metrics.unsupported_claims[:5],
            "violations": check_rules(draft, BrandRules(), "amazon"), "dropped": dropped[:3]}


def summary(rows: list[dict], latencies: list[float]) -> dict:
    checkable = sum(r["checkable"] for r in rows)
    return {
        **summarise_copy(rows),
        "drafts_with_2_or_3_paragraphs": sum(2 <= r["paragraphs"] <= 3 for r in rows),
        "unsupported_claims": sum(r["unsupported"] for r in rows),
        "checkable_claims": checkable,
        "unsupported_rate": round(sum(r["unsupported"] for r in rows) / checkable, 4) if checkable else 0.0,
        "rule_violations": sum(len(r["violations"]) for r in rows),
        "time_to_first_draft_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "time_to_first_draft_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }


def words_outside_facts(draft: Draft, facts: list[Fact]) -> list[str]:
    fact_words = {w for f in facts for w in re.findall(r"[a-z]+", f"{f.name} {f.value}".lower())}
    text = " ".join([*draft.bullets, draft.description]).lower()
    return [w for w in re.findall(r"[a-z]+", text) if w not in fact_words]


def voice_difference(a: Draft, b: Draft, facts: list[Fact]) -> float:
    """Share of non-fact word tokens of the two drafts that the other draft does not use (bag of words)."""
    wa, wb = words_outside_facts(a, facts), words_outside_facts(b, facts)
    sa, sb = set(wa), set(wb)
    differing = sum(w not in sb for w in wa) + sum(w not in sa for w in wb)
    return differing / (len(wa) + len(wb)) if wa or wb else 0.0


def guide_rules(brand: str) -> BrandRules:
    front, _, _ = split_front_matter((EXAMPLES_DIR / "brands" / brand / "guide.md").read_text(encoding="utf-8"))
    return BrandRules(**{k: v for k, v in front.items() if k in BrandRules.model_fields})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-realization-"))
    settings = Settings(home=home, _env_file=None)
    chain = CopyChain(Catalog.open(settings), None, DraftStore(settings.db_path), settings)
    rows: dict[str, list[dict]] = defaultdict(list)
    baseline: dict[str, list[dict]] = defaultdict(list)
    latencies: dict[str, list[float]] = defaultdict(list)
    texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rouge: dict[str, list[float]] = defaultdict(list)
    pages: list[str] = []
    for dataset in ("icecat-electronics.jsonl", "amazon-uk-toys.csv"):
        products, _ = load_products(PRODUCTS / dataset, limit=args.limit)
        for product in products:
            facts = facts_for(product, include_description=False)
            started = time.perf_counter()
            draft = chain.compose(product, channel="amazon", include_description=False, use_model=False).draft
            latencies[dataset].append(time.perf_counter() - started)
            old = apply_rules(template_draft(product, facts, BrandRules(), "amazon"), BrandRules(), "amazon")
            row = judge(draft, product, facts)
            rows[dataset].append(row)
            baseline[dataset].append(judge(old, product, facts))
            category = category_of(product, dataset)
            for system, d in (("realized", draft), ("template", old)):
                texts[system][f"{dataset}:{category}"].append(draft_text(d))
            if product.description and dataset.startswith("amazon"):
                rouge["realized"].append(_ROUGE.score(product.description, draft.description)["rougeL"].fmeasure)
                rouge["template"].append(_ROUGE.score(product.description, old.description)["rougeL"].fmeasure)
            pages.append(f"## {dataset} {product.sku}\n\n**{draft.title}**\n\n" + "\n".join(f"- {b}" for b in draft.bullets)
                         + "\n\n" + draft.description.replace("\n", "\n\n") + "\n")
    all_latencies = [s for ls in latencies.values() for s in ls]

    def distinct(system: str) -> float | None:
        return distinct_2_within_category(texts[system])

    result = {
        "machine": machine(),
        "config": {"limit_per_file": args.limit, "channel": "amazon", "model": None,
                   "facts": "without the catalog description"},
        "realized": {**summary([r for rs in rows.values() for r in rs], all_latencies),
                     "by_dataset": {d: summary(rs, latencies[d]) for d, rs in rows.items()},
                     "distinct_2_within_category": distinct("realized"),
                     "rouge_l_vs_human_toy_description": round(statistics.fmean(rouge["realized"]), 4) if rouge["realized"] else None,
                     "model_share_of_final_parts": 0.0},
        "template_baseline": {**summary([r for rs in baseline.values() for r in rs], []),
                              "distinct_2_within_category": distinct("template"),
                              "rouge_l_vs_human_toy_description": round(statistics.fmean(rouge["template"]), 4) if rouge["template"] else None},
        "voice": voice_check(chain),
        "examples_of_problems": [r["unsupported_claims"] + r["amazon_problems"] + r["dropped"] + r["bare_numbers"]
                                 + r["bullets_without_fact"] for rs in rows.values() for r in rs
                                 if r["unsupported"] or r["amazon_problems"] or r["bare_numbers"]
                                 or r["bullets_without_fact"]][:10],
    }
    (RESULTS / "realization-drafts.md").write_text("# Realized drafts (bench.realization)\n\n" + "\n".join(pages),
                                                  encoding="utf-8")
    write_result("realization", result)


def voice_check(chain: CopyChain) -> dict:
    """One toy in Pebble's playful voice and Northwind's technical one; then "warmer" and "more technical"."""
    sample = Path(tempfile.mkdtemp(prefix="bench-realization-toys-")) / "toys.csv"
    with (PRODUCTS / "amazon-uk-toys.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    with sample.open("w", encoding="utf-8", newline="") as out_file:
        csv.writer(out_file).writerows(rows[:6])
    chain.catalog.ingest_products([sample])  # refine reads the product back from the catalog
    products, _ = load_products(sample, limit=5)
    out = []
    for product in products[1:4]:
        facts = facts_for(product, include_description=False)
        from chains.drafting import realize_draft
        playful = realize_draft(product, facts, guide_rules("pebble"), "amazon")
        technical = realize_draft(product, facts, guide_rules("northwind"), "amazon")
        first = chain.first_draft(product, channel="amazon")
        warmer = refine_draft(chain, first.draft.draft_id, "make it warmer").draft
        technical_refined = refine_draft(chain, first.draft.draft_id, "more technical").draft
        out.append({
            "sku": product.sku,
            "playful_vs_technical_non_fact_words_differing": round(voice_difference(playful, technical, facts), 3),
            "warmer_differs_from_first": warmer.bullets != first.draft.bullets or warmer.description != first.draft.description,
            "more_technical_differs_from_first": technical_refined.bullets != first.draft.bullets,
            "warmer_unsupported": sum(1 for c in GroundingVerifier(product, facts_for(product)).claims(
                " ".join(warmer.bullets), "bullet") if not c.supported),
            "playful_first_bullet": playful.bullets[0] if playful.bullets else "",
            "technical_first_bullet": technical.bullets[0] if technical.bullets else "",
        })
    return {"products": out,
            "min_difference": min(p["playful_vs_technical_non_fact_words_differing"] for p in out)}


if __name__ == "__main__":
    main()

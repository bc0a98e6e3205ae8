"""bench.realization: the first draft (realized, no model) on 50 Icecat + 50 Amazon UK toys products, channel
amazon, against the old template draft (the spec-sheet baseline) in the same run.

The checks here are written apart from the code that makes the drafts: a bullet is a bare label line when
it is "<fact name>: <fact value>" (or such pairs joined by ";"), a description sentence is a spec sentence
when it is "The <fact name> is <value>.", lengths and Amazon's title rules are counted here; unsupported
claims come from the verifier (GroundingVerifier), rule violations from chains.rules.check_rules (the
independent checker), ROUGE-L from rouge-score against the human Amazon description (left out of the facts).
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
from chains.drafting import CopyChain, key_facts, refine_draft, template_draft
from chains.evaluation.metrics import distinct_n, measure
from retrieval.readers import RowError, read_products
from chains.grounding import GroundingVerifier, split_sentences
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
_URL = re.compile(r"https?://|www\.", re.I)
_PRICE = re.compile(r"[£$€]\s?\d|\b\d+(?:\.\d\d)\s?(?:gbp|usd|eur)\b", re.I)
_AVAILABILITY = re.compile(r"\b(in stock|out of stock|ships? (?:today|free)|available now)\b", re.I)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")


def load_products(path: Path, *, limit: int) -> tuple[list[Product], int]:
    """The first `limit` readable products of a file (as the copy eval picks them)."""
    products = [p for p in read_products(path) if not isinstance(p, RowError)][:limit]
    return products, 0


# --- independent spec-dump checks -------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%.]+", " ", text.lower()).split()).strip(". ")


def bare_label_line(bullet: str, facts: list[Fact]) -> bool:
    """"Weight: 1.2 Kg", "Category: Trains; Engine type: electric", "WEIGHT: 1.2 kg"."""
    names = {_norm(f.name) for f in facts}
    values = {_norm(f.value) for f in facts}
    pieces = [p for p in re.split(r";\s*", bullet.strip()) if p.strip()]
    labelled = 0
    for piece in pieces:
        head, sep, rest = piece.partition(":")
        if sep and _norm(head) in names:
            labelled += 1
        elif sep and _norm(rest) in values and len(head.split()) <= 4:
            labelled += 1
    return labelled > 0 and labelled == len(pieces)


def spec_sentence(sentence: str, facts: list[Fact]) -> bool:
    """"The engine type is electric." / "The weight is 1.2 Kg.\""""
    match = re.fullmatch(r"\s*(?:the|its)\s+(.+?)\s+(?:is|are)\s+(.+?)\.?\s*", sentence, re.I)
    if not match:
        return False
    names = {_norm(f.name) for f in facts}
    return _norm(match.group(1)) in names


def title_repeats(title: str) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for word in re.findall(r"[\w'-]+", title.lower()):
        if len(word) > 1:
            counts[word] += 1
    return [w for w, n in counts.items() if n > 2]


def amazon_problems(draft: Draft) -> list[str]:
    problems = []
    if len(draft.title) > 200:
        problems.append("title over 200 characters")
    if title_repeats(draft.title):
        problems.append(f"title repeats {title_repeats(draft.title)}")
    for i, bullet in enumerate(draft.bullets, 1):
        if len(bullet) > 255:
            problems.append(f"bullet {i} over 255 characters")
    text = " ".join([draft.title, *draft.bullets, draft.description])
    for name, pattern in (("URL", _URL), ("price", _PRICE), ("availability", _AVAILABILITY), ("emoji", _EMOJI)):
        if pattern.search(text):
            problems.append(f"contains {name}")
    return problems


def key_fact_covered(fact: Fact, text: str) -> bool:
    """All of the fact's numbers appear in the text, and half of its longer words (a plain string check)."""
    lower = text.lower()
    numbers = re.findall(r"\d+(?:\.\d+)?", fact.value)
    if any(not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", lower) for n in numbers):
        return False
    content = [w for w in re.findall(r"[a-z]{4,}", fact.value.lower())]
    if not content:
        return bool(numbers) or fact.value.lower() in lower
    return sum(w[:5] in lower for w in content) * 2 >= len(content)


# --- one draft ------------------------------------------------------------------------------------------
def judge(draft: Draft, product: Product, facts: list[Fact]) -> dict:
    bare = [b for b in draft.bullets if bare_label_line(b, facts)]
    sentences = [s for line in draft.description.splitlines() for s in split_sentences(line)]
    spec = [s for s in sentences if spec_sentence(s, facts)]
    metrics = measure(draft, product, facts, BrandRules(), "amazon", reference=None)
    keys = key_facts(product, facts)
    text = " ".join([draft.title, *draft.bullets, draft.description])
    covered = sum(key_fact_covered(f, text) for f in keys) / len(keys) if keys else 1.0
    verifier = GroundingVerifier(product, facts)
    dropped = [s for line in draft.description.splitlines() for s in verifier.check_text(line, "description").dropped_sentences]
    return {
        "bullets": len(draft.bullets), "bare_bullets": len(bare), "sentences": len(sentences), "spec_sentences": len(spec),
        "spec_dump": (len(bare) * 2 >= len(draft.bullets) > 0) or (len(spec) * 2 >= len(sentences) > 0),
        "bullets_over_255": sum(len(b) > 255 for b in draft.bullets), "checkable": metrics.checkable,
        "unsupported": metrics.unsupported, "unsupported_claims": metrics.unsupported_claims[:5],
        "coverage_verifier": metrics.coverage, "coverage_string": covered,
        "violations": check_rules(draft, BrandRules(), "amazon"), "amazon_problems": amazon_problems(draft),
        "paragraphs": len([p for p in draft.description.splitlines() if p.strip()]), "dropped": dropped[:3],
    }


def summary(rows: list[dict], latencies: list[float]) -> dict:
    bullets = sum(r["bullets"] for r in rows)
    checkable = sum(r["checkable"] for r in rows)
    return {
        "drafts": len(rows),
        "spec_dump_drafts": sum(r["spec_dump"] for r in rows),
        "bullets": bullets,
        "bare_label_bullets": sum(r["bare_bullets"] for r in rows),
        "bare_label_bullet_rate": round(sum(r["bare_bullets"] for r in rows) / bullets, 4) if bullets else None,
        "spec_sentences": sum(r["spec_sentences"] for r in rows),
        "description_sentences": sum(r["sentences"] for r in rows),
        "bullets_over_255": sum(r["bullets_over_255"] for r in rows),
        "drafts_with_3_to_5_bullets": sum(3 <= r["bullets"] <= 5 for r in rows),
        "drafts_with_2_or_3_paragraphs": sum(2 <= r["paragraphs"] <= 3 for r in rows),
        "unsupported_claims": sum(r["unsupported"] for r in rows),
        "checkable_claims": checkable,
        "unsupported_rate": round(sum(r["unsupported"] for r in rows) / checkable, 4) if checkable else 0.0,
        "key_fact_coverage_verifier": round(statistics.fmean(r["coverage_verifier"] for r in rows), 4),
        "key_fact_coverage_string": round(statistics.fmean(r["coverage_string"] for r in rows), 4),
        "rule_violations": sum(len(r["violations"]) for r in rows),
        "amazon_problems": sum(len(r["amazon_problems"]) for r in rows),
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
            category = (product.category or product.attributes.get("Product type") or dataset).split(">")[0].strip()
            for system, d in (("realized", draft), ("template", old)):
                texts[system][f"{dataset}:{category}"].append(" ".join([*d.bullets, d.description]))
            if product.description and dataset.startswith("amazon"):
                rouge["realized"].append(_ROUGE.score(product.description, draft.description)["rougeL"].fmeasure)
                rouge["template"].append(_ROUGE.score(product.description, old.description)["rougeL"].fmeasure)
            pages.append(f"## {dataset} {product.sku}\n\n**{draft.title}**\n\n" + "\n".join(f"- {b}" for b in draft.bullets)
                         + "\n\n" + draft.description.replace("\n", "\n\n") + "\n")
    all_latencies = [s for ls in latencies.values() for s in ls]

    def distinct(system: str) -> float | None:
        groups = [g for g in texts[system].values() if len(g) >= 3]
        return round(statistics.fmean(distinct_n(g, 2) for g in groups), 4) if groups else None

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
        "examples_of_problems": [r["unsupported_claims"] + r["amazon_problems"] + r["dropped"]
                                 for rs in rows.values() for r in rs if r["unsupported"] or r["amazon_problems"]][:10],
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

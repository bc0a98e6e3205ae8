"""The grounding verifier on PLANTED PATTERNS: template-made errors and paraphrases on every product of the catalogs.

This is not the verifier's quality figure: the patterns were written by the verifier's own author. The hand-
labelled claim set (`python -m bench.verifier_labelled`, docs/benchmarks.md) is. What this bench shows is that
each check works on every product of both catalogs, against a naive baseline in the same run (a sentence is
rejected when it has a digit string that no fact has: the check a number-only filter makes):
- the share of each catalog description's sentences kept from the attributes alone (unlabelled: some of
  those sentences really do say what the attributes lack);
- recall on planted hallucinations (wrong / rounded numbers, invented colour, material, brand, component,
  compatibility, absolute claims), made deterministically from each product's facts;
- false positives on correct paraphrases (facts restated verbatim or with units converted);
- template drafts with zero dropped claims; verifier throughput.
Run: `.venv/bin/python -m bench.verifier_planted_patterns [--icecat N]`; writes
bench/results/verifier_planted_patterns.json.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from chains.drafting import template_draft
from chains.grounding import find_quantities
from chains.grounding import VERIFIER_VERSION, GroundingVerifier
from chains.grounding.vocabulary import colours, group_of, materials, stem, stems_of
from copydesk.domain import BrandRules, Fact, Product
from copydesk.paths import SHARED_DATA_DIR
from retrieval.facts import facts_for
from retrieval.readers import read_products

RESULTS = Path(__file__).resolve().parent / "results" / "verifier_planted_patterns.json"
COLOURS = ["purple", "green", "yellow", "orange", "pink", "red", "blue"]
MATERIALS = ["wood", "glass", "leather", "steel", "cotton", "bamboo"]
COMPONENTS = ["a racket, a whistle and a carry bag", "a charger and a remote control", "stickers and a storage tin"]
CONVERSIONS = {"g": ("kg", 0.001), "kg": ("g", 1000), "mm": ("cm", 0.1), "cm": ("mm", 10), "in": ("cm", 2.54),
               "ml": ("l", 0.001), "m": ("cm", 100)}


def load(path: Path, limit: int | None) -> list[Product]:
    out: list[Product] = []
    for item in read_products(path):
        if isinstance(item, Product):
            out.append(item)
            if limit and len(out) >= limit:
                break
    return out


def naive_rejects(sentence: str, facts: list[Fact]) -> bool:
    allowed = {d for f in facts for d in re.findall(r"\d+", f"{f.name} {f.value}")}
    return any(d not in allowed for d in re.findall(r"\d+", sentence))


def planted(item: Product, facts: list[Fact], other_brands: list[str]) -> list[tuple[str, str]]:
    """(kind, sentence) hallucinations for this product, each checked to be absent from its facts."""
    stems = set().union(*(stems_of(f"{f.name} {f.value}") for f in facts))
    out: list[tuple[str, str]] = []
    for fact in facts[1:]:
        quantities = [q for q in find_quantities(fact.value) if q.unit is not None and q.value > 0]
        if quantities:
            q = quantities[0]
            out.append(("wrong number", f"The {fact.name.lower()} is {q.value * 2 + 1:g} {q.unit.symbol}."))
            if q.decimals:
                out.append(("rounded number", f"The {fact.name.lower()} is {round(q.value):d} {q.unit.symbol}."))
            break
    colour = next((c for c in COLOURS if not group_of(stem(c), colours()).stems & stems), None)
    if colour:
        out.append(("invented colour", f"Available in {colour}."))
    material = next((m for m in MATERIALS if not group_of(stem(m), materials()).stems & stems), None)
    if material:
        out.append(("invented material", f"Made of {material}."))
    brand = next((b for b in other_brands if not (stems_of(b) & stems) and b.isalpha()), None)
    if brand:
        out.append(("invented brand", f"A product made by {brand}."))
    out.append(("invented component", f"The box includes {COMPONENTS[len(item.sku) % len(COMPONENTS)]}."))
    out.append(("invented compatibility", "Compatible with the Nintendo Switch."))
    out.append(("absolute claim", "Guaranteed waterproof and the best on the market."))
    return out


def paraphrases(facts: list[Fact]) -> list[str]:
    """Correct restatements: a fact verbatim, and each quantity fact with its unit converted."""
    out: list[str] = []
    for fact in facts[1:]:
        if fact.name in {"Description", "Model", "Manufacturer reference"}:
            continue
        out.append(f"{fact.name}: {fact.value}.")
        for q in find_quantities(fact.value)[:1]:
            if q.unit is not None and q.unit.symbol in CONVERSIONS:
                unit, factor = CONVERSIONS[q.unit.symbol]
                number = format(round(q.value * factor, 6), "f").rstrip("0").rstrip(".")
                out.append(f"The {fact.name.lower()} is {number} {unit}.")
    return out


def measure(products: list[Product]) -> dict:
    brands = sorted({p.brand for p in products if p.brand})
    kept_without = total = 0
    drop_kinds: Counter[str] = Counter()
    recall: dict[str, list[int]] = {}
    naive_recall: dict[str, list[int]] = {}
    para = para_fp = para_naive_fp = templates_clean = 0
    sentences_checked = 0
    started = time.perf_counter()
    for item in products:
        with_desc = facts_for(item)
        attributes_only = facts_for(item, include_description=False)
        v_with = GroundingVerifier(item, with_desc)
        v_without = GroundingVerifier(item, attributes_only)
        if item.description:
            # (A figure for facts that include the description itself grades the copy against itself: dropped.)
            checked = v_without.check_text(item.description, "description")
            total += checked.sentences
            kept_without += checked.sentences - len(checked.dropped_sentences)
            drop_kinds.update(c.kind for c in checked.dropped)
            sentences_checked += checked.sentences
        for kind, sentence in planted(item, attributes_only, [b for b in brands if b != item.brand]):
            caught = bool(v_without.check_text(sentence, "description").dropped)
            recall.setdefault(kind, []).append(int(caught))
            naive_recall.setdefault(kind, []).append(int(naive_rejects(sentence, attributes_only)))
            sentences_checked += 1
        for sentence in paraphrases(attributes_only):
            para += 1
            para_fp += bool(v_without.check_text(sentence, "description").dropped)
            para_naive_fp += naive_rejects(sentence, attributes_only)
            sentences_checked += 1
        draft = template_draft(item, with_desc, BrandRules(), "amazon")
        templates_clean += not v_with.verify(draft).dropped_claims
    elapsed = time.perf_counter() - started
    rate = lambda hits: round(sum(hits) / len(hits), 4) if hits else None  # noqa: E731
    return {
        "products": len(products),
        "description_sentences": total,
        "human_copy_kept_attributes_only": round(kept_without / total, 4) if total else None,
        "attributes_only_drop_kinds": dict(drop_kinds.most_common()),
        "planted_recall": {k: rate(v) for k, v in sorted(recall.items())},
        "planted_recall_naive_number_check": {k: rate(v) for k, v in sorted(naive_recall.items())},
        "planted_total": sum(len(v) for v in recall.values()),
        "planted_recall_overall": rate([h for v in recall.values() for h in v]),
        "planted_recall_overall_naive": rate([h for v in naive_recall.values() for h in v]),
        "paraphrases": para,
        "paraphrase_false_positive_rate": round(para_fp / para, 4) if para else None,
        "paraphrase_false_positive_rate_naive": round(para_naive_fp / para, 4) if para else None,
        "template_drafts_with_zero_dropped": round(templates_clean / len(products), 4) if products else None,
        "seconds": round(elapsed, 2),
        "sentences_per_second_incl_templates": round(sentences_checked / elapsed, 1) if elapsed else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icecat", type=int, default=400, help="Icecat products to measure (default 400)")
    args = parser.parse_args()
    data = SHARED_DATA_DIR / "products"
    results = {
        "verifier_version": VERIFIER_VERSION,
        "amazon_uk_toys": measure(load(data / "amazon-uk-toys.csv", None)),
        "icecat": measure(load(data / "icecat-electronics.jsonl", args.icecat)),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

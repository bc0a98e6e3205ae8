"""Cleaning at ingest on the shared Amazon UK toys and Flipkart files: what it touched, and how often a
removal was wrong, by a person's reading.

Baseline in the same run: the same rows read without cleaning (the format readers alone). Two checks apart
from the rules: fixed strings a reader would object to (markup, Amazon's and Flipkart's stock phrases),
counted in the descriptions before and after; and a sample of removals drawn with a fixed seed, 25 per
file, each judged right or wrong by hand in tests/data/cleaning/checked.jsonl. A sampled removal with no
judgement there (the rules changed since) is reported as unchecked, never counted as right.

`python -m bench.cleaning` writes bench/results/cleaning.json; `--show-sample` prints the sample with
context, for reading.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench._common import write_result
from copydesk.domain import Product, RemovedText
from retrieval.readers import amazon, flipkart, read_products

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "products"
FILES = {"amazon-uk-toys": (SHARED / "amazon-uk-toys.csv", amazon.read_amazon),
         "flipkart": (SHARED / "flipkart-sample.csv", flipkart.read_flipkart)}
CHECKED = Path(__file__).resolve().parent.parent / "tests" / "data" / "cleaning" / "checked.jsonl"
PER_FILE = 25
SEED = 1616
# Phrases no listing should carry, written here apart from the rules (case-insensitive).
TELLTALES = ["<br", "<li", "<p>", "&amp;", "&nbsp;", "product description", "box contains", "colour name:",
             "flipkart.com", "cash on delivery", "replacement guarantee", "price: rs", "would you like to update",
             "delivery destinations", "brand new", "mint condition", "our store", "wholesale"]


def key(sku: str, item: RemovedText) -> str:
    return f"{sku}|{item.field}|{item.rule}|{item.text}"


def telltales(texts: list[str]) -> dict[str, int]:
    lowered = [t.lower() for t in texts]
    return {phrase: sum(phrase in t for t in lowered) for phrase in TELLTALES}


def measure(name: str, path: Path, raw_reader) -> tuple[dict[str, Any], list[tuple[Product, RemovedText]]]:
    raw = {p.sku: p for p in raw_reader(path) if isinstance(p, Product)}
    cleaned = [p for p in read_products(path) if isinstance(p, Product)]
    removals = [(p, r) for p in cleaned for r in p.removed if r.kind != "instructions"]
    touched = [p for p in cleaned if any(r.kind != "instructions" for r in p.removed)]
    before = sum(len(p.description or "") for p in raw.values())
    after = sum(len(p.description or "") for p in cleaned)
    emptied = sum(1 for p in cleaned if raw[p.sku].description and not p.description)
    return {
        "products": len(cleaned),
        "touched": len(touched),
        "touched_share": round(len(touched) / len(cleaned), 4),
        "touched_by_kind": dict(Counter(k for p in touched for k in {r.kind for r in p.removed})),
        "removals": len(removals),
        "removals_by_rule": dict(Counter(r.rule for _, r in removals).most_common()),
        "description_chars_before": before,
        "description_chars_after": after,
        "descriptions_emptied": emptied,
        "telltales_before": telltales([p.description or "" for p in raw.values()]),
        "telltales_after": telltales([p.description or "" for p in cleaned]),
    }, removals


def sample(removals: list[tuple[Product, RemovedText]]) -> list[tuple[Product, RemovedText]]:
    return random.Random(SEED).sample(removals, min(PER_FILE, len(removals)))


def context(product: Product, item: RemovedText, raw: Product | None) -> str:
    source = (raw.description if raw and item.field == "description" else None) or ""
    at = source.find(item.text[:40])
    return source[max(0, at - 120): at + len(item.text) + 120] if at >= 0 else source[:300]


def main(argv: list[str]) -> int:
    verdicts = {}
    if CHECKED.exists():
        for line in CHECKED.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                verdicts[row["key"]] = row
    result: dict[str, Any] = {"per_file": {}, "sample": []}
    for name, (path, reader) in FILES.items():
        figures, removals = measure(name, path, reader)
        result["per_file"][name] = figures
        raw = {p.sku: p for p in reader(path) if isinstance(p, Product)} if "--show-sample" in argv else {}
        for product, item in sample(removals):
            judged = verdicts.get(key(product.sku, item))
            result["sample"].append({"file": name, "sku": product.sku, "field": item.field, "rule": item.rule,
                                     "text": item.text, "verdict": judged["verdict"] if judged else "unchecked",
                                     "note": judged.get("note", "") if judged else ""})
            if "--show-sample" in argv:
                print(json.dumps({"key": key(product.sku, item), "rule": item.rule, "text": item.text,
                                  "context": context(product, item, raw.get(product.sku))}, ensure_ascii=False))
    if "--show-sample" in argv:
        return 0
    verdict_counts = Counter(s["verdict"] for s in result["sample"])
    result["hand_check"] = {
        "sampled": len(result["sample"]),
        "right": verdict_counts["right"],
        "wrong": verdict_counts["wrong"],
        "unchecked": verdict_counts["unchecked"],
        "how": f"{PER_FILE} removals per file drawn with seed {SEED}, read with their context; judgements in "
               f"{CHECKED.relative_to(CHECKED.parents[3])}",
    }
    write_result("cleaning", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

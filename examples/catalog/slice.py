"""Rebuild the sample catalog in this folder from ../shared/data/products (kept for reproducibility).

    .venv/bin/python examples/catalog/slice.py

Rows are copied unchanged (same columns, same values); only which rows is chosen here: a spread of
product kinds, small enough to embed in about a minute on a laptop CPU. Flipkart rows are not sliced:
that dataset states no licence.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent.parent / "shared" / "data" / "products"
ICECAT_KEYWORDS = {  # title words -> how many rows of that kind
    "monitor": 40, "notebook": 25, "toner": 10, "ink cartridge": 10, "cable": 15, "mouse": 10,
    "keyboard": 10, "headphones": 10, "kettle": 6, "smartphone": 10, "printer": 10, "memory": 8,
}
ICECAT_RANDOM = 36
AMAZON_ROWS = 120
MAX_ATTRIBUTES = 80  # skip the few Icecat rows with hundreds of spec fields: the sample stays small


def slice_icecat() -> int:
    rng = random.Random(7)
    lines = (SHARED / "icecat-electronics.jsonl").read_text(encoding="utf-8").split("\n")
    lines = [line for line in lines if line.strip()]
    records = [(line, json.loads(line)) for line in lines]
    small = [(line, r) for line, r in records if sum(k.startswith("attr_") for k in r) <= MAX_ATTRIBUTES]
    chosen: dict[str, str] = {}
    for keyword, count in ICECAT_KEYWORDS.items():
        matching = [(line, r) for line, r in small if keyword in r["title"].lower() and r["id"] not in chosen]
        # 4K / 27" monitors first: they are the demo query of the README.
        matching.sort(key=lambda lr: ("3840" not in lr[1]["title"], '27"' not in lr[1]["title"]))
        head, rest = matching[: count // 2], matching[count // 2 :]
        for line, r in head + rng.sample(rest, min(len(rest), count - len(head))):
            chosen[r["id"]] = line
    others = [(line, r) for line, r in small if r["id"] not in chosen]
    for line, r in rng.sample(others, ICECAT_RANDOM):
        chosen[r["id"]] = line
    (HERE / "icecat-sample.jsonl").write_text("\n".join(chosen.values()) + "\n", encoding="utf-8")
    return len(chosen)


def slice_amazon() -> int:
    with (SHARED / "amazon-uk-toys.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = reader.fieldnames or []
    rng = random.Random(7)
    rows = [r for r in rows if r["product_description"].strip() and r["product_information"].strip()]
    picked = sorted(rng.sample(range(len(rows)), AMAZON_ROWS))
    with (HERE / "amazon-uk-toys-sample.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows[i] for i in picked)
    return len(picked)


if __name__ == "__main__":
    print(f"icecat: {slice_icecat()} rows, amazon: {slice_amazon()} rows")

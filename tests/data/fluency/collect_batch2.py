"""Collects the unlabelled texts of the fluency set's later batches (METHOD.md, "Batches 2 and 3").

Two kinds of model text, from products the first batch never used (rows after the first 100 of each file):
- `gate_input`: the polish's candidates that passed the verifier, i.e. exactly what the fluency gate is asked
  about in drafting (recorded at `chains.drafting.steps.fluent`, before the gate decides);
- `raw`: the raw-model baseline's listing (one plain prompt), split into title, bullets and description
  sentences, as the first batch's model texts were.
and with `--human`, sentences people wrote for the same rows (Amazon UK toys' descriptions, Icecat's titles and
short descriptions).
No score or heuristic chooses a text; duplicates and empty texts are dropped. Labels are set afterwards by
people reading each text (METHOD.md).

    .venv/bin/python tests/data/fluency/collect_batch2.py --skip 100 --limit 30 --out /tmp/batch2
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip", type=int, default=100)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--human", action="store_true", help="only the human texts (no model), to human.jsonl")
    args = parser.parse_args()
    if args.human:
        return human_texts(args)

    import chains.drafting.steps as steps
    from bot.services import Services
    from chains.evaluation.run import EvalConfig, run_eval
    from bot.cli.common import load_settings

    recorded: list[tuple[str, str]] = []  # (candidate, the realized text it rewrites)
    asked: list[str] = [""]
    gate, rewrite = steps.fluent, steps.Steps.rewrite

    def recording(fluency, candidates, part=None):  # what the gate is asked about, before it answers
        recorded.extend((c.text, asked[0]) for c in candidates)
        return gate(fluency, candidates, part)

    def rewriting(self, field_name, text, *args, **kwargs):
        asked[0] = text
        return rewrite(self, field_name, text, *args, **kwargs)

    steps.fluent = recording
    steps.Steps.rewrite = rewriting
    shared = ROOT.parent / "shared" / "data" / "products"
    settings = load_settings()
    services = Services(settings)
    config = EvalConfig(products=[shared / "icecat-electronics.jsonl", shared / "amazon-uk-toys.csv"],
                        limit=args.limit, channel="amazon", out=args.out, skip=args.skip, raw_max_new_tokens=128)
    marks: dict[str, int] = {}

    def progress(line: str) -> None:
        print(line, flush=True)
        marks[line.split()[2].rstrip(":")] = len(recorded)

    report = run_eval(config, settings, services.text_generator, progress=progress)
    pool: list[dict] = []
    start = 0
    for product in report.data["per_product"]:
        key = f"{product['dataset']}/{product['sku']}"
        end = marks.get(product["sku"], start)
        for text, realized in recorded[start:end]:
            pool.append({"text": text, "kind": "gate_input", "product": key, "rewrites": realized})
        start = end
        raw = product["drafts"].get("raw") or {}
        texts = [raw.get("title", "")] + list(raw.get("bullets", [])) + SENTENCE_END.split(raw.get("description", ""))
        pool.extend({"text": t, "kind": "raw", "product": key} for t in texts)
    seen: set[str] = set()
    unique = []
    for row in pool:
        text = " ".join(row["text"].split())
        if text and text.lower() not in seen:
            seen.add(text.lower())
            unique.append({**row, "text": text})
    (args.out / "pool.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in unique),
                                         encoding="utf-8")
    print(f"{len(unique)} texts ({sum(r['kind'] == 'gate_input' for r in unique)} gate inputs)")


def human_texts(args: argparse.Namespace) -> None:
    """Sentences people wrote for the same rows: Amazon UK toys' descriptions, Icecat's titles and short
    descriptions (as they stand in the files, before copydesk's cleaning)."""
    import csv
    import itertools

    shared = ROOT.parent / "shared" / "data" / "products"
    rows: list[dict] = []
    with open(shared / "amazon-uk-toys.csv", encoding="utf-8", newline="") as handle:
        for item in itertools.islice(csv.DictReader(handle), args.skip, args.skip + args.limit):
            for text in SENTENCE_END.split(" ".join(item["product_description"].split())):
                rows.append({"text": text, "kind": "human", "product": f"amazon-uk-toys/{item['product_id']}"})
    with open(shared / "icecat-electronics.jsonl", encoding="utf-8") as handle:
        for line in itertools.islice(handle, args.skip, args.skip + args.limit):
            item = json.loads(line)
            for text in (item.get("title", ""), item.get("short_description", "")):
                rows.append({"text": " ".join(text.split()), "kind": "human",
                             "product": f"icecat-electronics/{item['id']}"})
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    kept = [r for r in rows if r["text"] and not (r["text"].lower() in seen or seen.add(r["text"].lower()))]
    (args.out / "human.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept),
                                          encoding="utf-8")
    print(f"{len(kept)} human texts")


if __name__ == "__main__":
    main()

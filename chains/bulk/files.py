"""A bulk job's result file, by the name asked for: `x.csv` (one row per product with its status, whether it
is clean, and its reason when it failed), `x.jsonl`, `x.shopify.csv` / `shopify.csv` (Shopify's product
import) or `x.amazon.csv` / `amazon.csv` (Amazon flat file). A marketplace file has no place for a failure,
so those products go to a `.failures.csv` beside it. Every CSV cell is spreadsheet-safe (chains/exports.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chains.bulk.run import ItemResult
from chains.exports import AMAZON_COLUMNS, SHOPIFY_COLUMNS, amazon_row, shopify_rows, write_csv
from copydesk.domain import Product
from copydesk.errors import InputError

OUTPUT_KINDS = ("csv", "jsonl", "shopify", "amazon")
FAILURE_COLUMNS = ["reference", "sku", "reason"]


@dataclass
class Written:
    path: Path
    rows: int
    failures_path: Path | None = None  # marketplace files only, when some products have no draft


def output_kind(path: Path) -> str:
    """csv, jsonl, shopify or amazon, from the file name (drafts.csv, drafts.jsonl, shopify.csv, x.amazon.csv)."""
    name = path.name.lower()
    for kind in ("shopify", "amazon"):
        if name == f"{kind}.csv" or name.endswith((f".{kind}.csv", f"-{kind}.csv", f"_{kind}.csv")):
            return kind
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    raise InputError(f"copydesk cannot tell which file to write from the name {path.name!r}.",
                     hint="Name it drafts.csv, drafts.jsonl, shopify.csv or amazon.csv.")


def write_results(out: Path, results: list[ItemResult], products: dict[str, Product]) -> Written:
    """Write `results` (in job order) to `out`, in the format its name says; `products` by SKU."""
    kind = output_kind(out)
    if kind == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as handle:
            for result in results:
                handle.write(json.dumps(_json_row(result), ensure_ascii=False) + "\n")
        return Written(out, len(results))
    if kind == "csv":
        width = max((len(r.draft.bullets) for r in results if r.draft), default=0)
        columns = ["reference", "sku", "status", "clean", "issues", "draft_id", "version", "title",
                   *(f"bullet_{i}" for i in range(1, width + 1)), "description"]
        return Written(out, write_csv(out, columns, (_plain_row(r) for r in results)))
    drafted = [r for r in results if r.draft is not None]
    pairs = [(r.draft, products.get(r.draft.sku)) for r in drafted if r.draft]
    if kind == "shopify":
        rows = write_csv(out, SHOPIFY_COLUMNS, shopify_rows(pairs))
    else:
        rows = write_csv(out, AMAZON_COLUMNS, (amazon_row(draft, product) for draft, product in pairs))
    missing = [r for r in results if r.draft is None]
    if not missing:
        return Written(out, rows)
    failures = out.with_name(out.name[: -len(".csv")] + ".failures.csv")
    write_csv(failures, FAILURE_COLUMNS, ({"reference": r.reference, "sku": r.sku or "", "reason": _reason(r)}
                                         for r in missing))
    return Written(out, rows, failures)


def status(result: ItemResult) -> str:
    return "drafted" if result.draft is not None else "failed" if result.error else "not drafted"


def _reason(result: ItemResult) -> str:
    return result.error or "Not drafted: the job was cancelled before this product."


def _issues(result: ItemResult) -> str:
    if result.draft is None:
        return _reason(result)
    problems = list(result.draft.violations)
    if not result.draft.bullets:
        problems.append("No bullets.")
    return "; ".join(problems)


def _plain_row(result: ItemResult) -> dict[str, Any]:
    draft = result.draft
    row: dict[str, Any] = {"reference": result.reference, "sku": result.sku or "", "status": status(result),
                           "clean": "yes" if result.clean else "no", "issues": _issues(result)}
    if draft is not None:
        row.update({"draft_id": draft.draft_id, "version": draft.version, "title": draft.title,
                    "description": draft.description})
        row.update({f"bullet_{i}": b for i, b in enumerate(draft.bullets, start=1)})
    return row


def _json_row(result: ItemResult) -> dict[str, Any]:
    draft = result.draft
    return {"reference": result.reference, "sku": result.sku, "status": status(result), "clean": result.clean,
            "issues": _issues(result) or None,
            "draft": None if draft is None else {
                "draft_id": draft.draft_id, "version": draft.version, "title": draft.title,
                "bullets": draft.bullets, "description": draft.description, "channel": draft.channel,
                "brand": draft.brand, "facts_used": draft.facts_used, "violations": draft.violations,
                "scores": draft.scores.model_dump()}}

"""The grounding verifier measured on the hand-labelled claim set (tests/data/claims/labelled.jsonl).

The labels were written by reading, before the verifier was tuned, and are frozen (METHOD.md beside the set).
Each row carries its product's facts inline; the verifier judges the sentence against exactly those facts.
A sentence counts as accepted when the verifier drops nothing from it.

Figures: acceptance of `supported` + `praise_only` sentences, recall on `unsupported` sentences and on the
planted errors, by source and by claim type, each on the whole set, the tuning part and the held-out part.
The split is by product (a hash of the product's ref), so a planted error sits beside its source sentence and
no product is on both sides: rules tuned on one side are measured on products they never saw.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from chains.grounding import VERIFIER_VERSION, GroundingVerifier
from copydesk.domain import Claim, Fact, Product
from copydesk.errors import InputError
from copydesk.paths import PROJECT_ROOT

LABELLED_SET = PROJECT_ROOT / "tests" / "data" / "claims" / "labelled.jsonl"
RESULT_FILE = PROJECT_ROOT / "bench" / "results" / "verifier_labelled.json"
ACCEPT_LABELS = ("supported", "praise_only")
HELD_OUT_MODULUS = 3  # one product in three is held out


@dataclass
class LabelledRow:
    id: str
    source: str
    label: str
    sentence: str
    product: Product
    facts: list[Fact]
    claims: list[dict] = field(default_factory=list)  # {"text", "type", "supported", "fact"}
    planted_change: dict | None = None

    @property
    def should_accept(self) -> bool:
        return self.label in ACCEPT_LABELS

    @property
    def held_out(self) -> bool:
        return held_out(self.product.sku)

    @property
    def unsupported_types(self) -> set[str]:
        return {c["type"] for c in self.claims if not c["supported"]}

    @property
    def unsupported_spans(self) -> list[str]:
        return [c["text"] for c in self.claims if not c["supported"]]


@dataclass
class RowResult:
    row: LabelledRow
    accepted: bool
    dropped: list[Claim]

    @property
    def correct(self) -> bool:
        return self.accepted == self.row.should_accept

    @property
    def caught_at_span(self) -> bool:
        """A rejected unsupported row whose dropped claims point into a labelled unsupported span."""
        return not self.accepted and any(_points_into(c, span) for c in self.dropped for span in self.row.unsupported_spans)


def held_out(ref: str) -> bool:
    return int(hashlib.sha256(ref.encode("utf-8")).hexdigest(), 16) % HELD_OUT_MODULUS == 0


def product_and_facts(record: dict) -> tuple[Product, list[Fact]]:
    """The row's product and its facts, numbered F1.. in the row's order (the set's facts, nothing added)."""
    ref = record["ref"]
    pairs = [(f["name"], f["value"]) for f in record["facts"]]
    product = Product(sku=ref, title=record["title"], brand=record.get("brand") or None,
                      category=dict(pairs).get("Category"), attributes=dict(pairs))
    facts = [Fact(id=f"F{i}", name=name, value=value, source_id=f"{product.source_id}#{name}")
             for i, (name, value) in enumerate(pairs, start=1)]
    return product, facts


def load_rows(path: Path = LABELLED_SET) -> list[LabelledRow]:
    if not path.is_file():
        raise InputError(f"The labelled claim set is missing: {path}.",
                         hint="It is committed under tests/data/claims/; run from a full checkout of copydesk.")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        product, facts = product_and_facts(raw["product"])
        rows.append(LabelledRow(id=raw["id"], source=raw["source"], label=raw["label"], sentence=raw["sentence"],
                                product=product, facts=facts, claims=raw.get("claims") or [],
                                planted_change=raw.get("planted_change")))
    return rows


def judge(rows: list[LabelledRow]) -> list[RowResult]:
    verifiers: dict[str, GroundingVerifier] = {}
    results = []
    for row in rows:
        verifier = verifiers.get(row.product.sku)
        if verifier is None:
            verifier = verifiers[row.product.sku] = GroundingVerifier(row.product, row.facts)
        checked = verifier.check_text(row.sentence, "description")
        results.append(RowResult(row=row, accepted=not checked.dropped, dropped=checked.dropped))
    return results


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def headline(results: list[RowResult]) -> dict:
    accept = [r for r in results if r.row.should_accept]
    unsupported = [r for r in results if r.row.label == "unsupported" and r.row.source != "planted"]
    planted = [r for r in results if r.row.source == "planted"]
    rejecting = unsupported + planted
    rejected = [r for r in rejecting if not r.accepted]
    return {
        "sentences": len(results),
        "acceptance_supported_and_praise": _rate(sum(r.accepted for r in accept), len(accept)),
        "acceptance_supported": _rate(sum(r.accepted for r in accept if r.row.label == "supported"),
                                      sum(r.row.label == "supported" for r in accept)),
        "acceptance_praise_only": _rate(sum(r.accepted for r in accept if r.row.label == "praise_only"),
                                        sum(r.row.label == "praise_only" for r in accept)),
        "recall_unsupported_and_planted": _rate(len(rejected), len(rejecting)),
        "recall_unsupported": _rate(sum(not r.accepted for r in unsupported), len(unsupported)),
        "recall_planted": _rate(sum(not r.accepted for r in planted), len(planted)),
        "rejected_at_a_labelled_span": _rate(sum(r.caught_at_span for r in rejected), len(rejected)),
        "counts": {"should_accept": len(accept), "unsupported": len(unsupported), "planted": len(planted)},
    }


def by_source(results: list[RowResult]) -> dict:
    table: dict[str, Counter] = {}
    for r in results:
        table.setdefault(r.row.source, Counter())[f"{r.row.label}_{'accepted' if r.accepted else 'rejected'}"] += 1
    return {source: dict(sorted(counts.items())) for source, counts in sorted(table.items())}


def by_claim_type(results: list[RowResult]) -> dict:
    """Per labelled claim type: sentences whose claims of that type are all supported (and that carry no
    unsupported claim), accepted or rejected; and sentences with an unsupported claim of that type, caught or
    missed. Planted rows count under the type of their planted change."""
    table: dict[str, Counter] = {}
    for r in results:
        bad = set(r.row.unsupported_types)
        if r.row.planted_change:
            bad = {r.row.planted_change["claim_type"]}
        for kind in bad:
            table.setdefault(kind, Counter())["unsupported_caught" if not r.accepted else "unsupported_missed"] += 1
        if r.row.should_accept:
            for kind in {c["type"] for c in r.row.claims}:
                table.setdefault(kind, Counter())["supported_accepted" if r.accepted else "supported_rejected"] += 1
    keys = ("supported_accepted", "supported_rejected", "unsupported_caught", "unsupported_missed")
    return {kind: {k: counts.get(k, 0) for k in keys} for kind, counts in sorted(table.items())}


def mistakes(results: list[RowResult]) -> dict:
    """Every wrong verdict, for reading: what the labels say against what the verifier dropped."""
    return {
        "false_accepts": [{"id": r.row.id, "sentence": r.row.sentence, "labelled_unsupported": r.row.unsupported_spans}
                          for r in results if r.accepted and not r.row.should_accept],
        "false_rejects": [{"id": r.row.id, "label": r.row.label, "sentence": r.row.sentence,
                           "dropped": [f"{c.kind}: {c.reason or c.text}" for c in r.dropped]}
                          for r in results if not r.accepted and r.row.should_accept],
    }


def measure_labelled(path: Path = LABELLED_SET) -> dict:
    """Every figure above, on all rows, the tuning part and the held-out part."""
    results = judge(load_rows(path))
    tune = [r for r in results if not r.row.held_out]
    held = [r for r in results if r.row.held_out]
    return {
        "labelled_set": str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path),
        "split": f"held out: products whose sha256(ref) % {HELD_OUT_MODULUS} == 0 "
                 f"({len({r.row.product.sku for r in held})} products, {len(held)} rows)",
        "all": headline(results),
        "tune": headline(tune),
        "held_out": headline(held),
        "by_source": by_source(results),
        "by_claim_type": by_claim_type(results),
        "mistakes": mistakes(results),
    }


def verifier_figures() -> dict:
    """What `copydesk eval` reports about its judge: the verifier version, its figures on the labelled set
    (measured now, in a second), and the bench result file that docs/benchmarks.md cites."""
    measured = measure_labelled()
    keys = ("acceptance_supported_and_praise", "recall_unsupported_and_planted", "sentences")
    return {
        "version": VERIFIER_VERSION,
        "labelled_set": measured["labelled_set"],
        "all": {k: measured["all"][k] for k in keys},
        "held_out": {k: measured["held_out"][k] for k in keys},
        "bench_result": str(RESULT_FILE.relative_to(PROJECT_ROOT)),
    }


def _points_into(claim: Claim, span: str) -> bool:
    """Does the dropped claim name something inside the span? Quantities are relabelled ("3 year" for "3 years
    and up"), so a shared number or word is enough."""
    if claim.kind == "sentence":  # names the words no fact supports: "the facts do not mention: a, b"
        named = claim.reason.split(":", 1)[-1]
    else:
        named = claim.text
    span_tokens = set(re.findall(r"\w+", span.lower()))
    return bool(set(re.findall(r"\w+", named.lower())) & span_tokens)

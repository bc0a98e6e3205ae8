"""Measures of listing drafts, the same for every system the eval compares.

Claims are counted by the grounding verifier (the same judge for the pipeline and the baselines);
lexical diversity is distinct-n over all drafts of a system; ROUGE-L comes from `rouge-score`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rouge_score import rouge_scorer

from chains.drafting import key_facts
from chains.rules import check_rules
from chains.grounding import GroundingVerifier
from copydesk.domain import BrandRules, Draft, Fact, Product

_ROUGE = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


@dataclass
class DraftMetrics:
    checkable: int  # checkable claims (numbers, materials, colours, ... and sentences judged as a whole)
    unsupported: int
    unsupported_claims: list[str]
    coverage: float  # share of the product's key facts the draft states
    violations: list[str]
    rouge_l: float | None  # F-measure against the human copy, where the product has some
    complete: bool  # has a title, at least one bullet and a description
    text: str = field(repr=False, default="")


def fields(draft: Draft) -> list[tuple[str, str]]:
    parts = [("title", draft.title), *(("bullet", b) for b in draft.bullets), ("description", draft.description)]
    if draft.meta_description:
        parts.append(("meta_description", draft.meta_description))
    return [(name, text) for name, text in parts if text and text.strip()]


def measure(
    draft: Draft, product: Product, facts: list[Fact], rules: BrandRules, channel: str, *, reference: str | None
) -> DraftMetrics:
    verifier = GroundingVerifier(product, facts)
    claims = [claim for name, text in fields(draft) for claim in verifier.claims(text, name)]
    unsupported = [c for c in claims if not c.supported]
    keys = {f.id for f in key_facts(product, facts)}
    stated = {fid for name, text in fields(draft) for fid in verifier.check_text(text, name).fact_ids}
    stated |= {fid for c in claims if c.supported for fid in c.fact_ids}
    text = " ".join(t for _, t in fields(draft))
    rouge = _ROUGE.score(reference, draft.description or text)["rougeL"].fmeasure if reference else None
    return DraftMetrics(
        checkable=len(claims),
        unsupported=len(unsupported),
        unsupported_claims=[f"{c.field}: {c.text} ({c.reason})" for c in unsupported],
        coverage=len(keys & stated) / len(keys) if keys else 1.0,
        violations=check_rules(draft, rules, channel),
        rouge_l=rouge,
        complete=bool(draft.title.strip() and draft.bullets and draft.description.strip()),
        text=text,
    )


def distinct_n(texts: Iterable[str], n: int) -> float:
    """Distinct n-grams / all n-grams over the texts (lower-cased words); 0 when there are none."""
    grams: list[tuple[str, ...]] = []
    for text in texts:
        words = text.lower().split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0


def summarise(metrics: Sequence[DraftMetrics], latencies: Sequence[float]) -> dict[str, float | int | None]:
    checkable = sum(m.checkable for m in metrics)
    unsupported = sum(m.unsupported for m in metrics)
    rouges = [m.rouge_l for m in metrics if m.rouge_l is not None]
    return {
        "drafts": len(metrics),
        "complete_drafts": sum(m.complete for m in metrics),
        "checkable_claims": checkable,
        "unsupported_claims": unsupported,
        "unsupported_rate": unsupported / checkable if checkable else 0.0,
        "key_fact_coverage": statistics.fmean(m.coverage for m in metrics) if metrics else 0.0,
        "violations": sum(len(m.violations) for m in metrics),
        "drafts_with_violations": sum(1 for m in metrics if m.violations),
        "distinct_1": distinct_n((m.text for m in metrics), 1),
        "distinct_2": distinct_n((m.text for m in metrics), 2),
        "rouge_l": statistics.fmean(rouges) if rouges else None,
        "rouge_l_products": len(rouges),
        "latency_mean_s": statistics.fmean(latencies) if latencies else 0.0,
        "latency_p50_s": statistics.median(latencies) if latencies else 0.0,
        "latency_max_s": max(latencies) if latencies else 0.0,
    }

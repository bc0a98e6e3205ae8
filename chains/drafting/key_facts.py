"""A product's most informative facts, deterministically (weights in chains/drafting/data/key_facts.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from copydesk.domain import Fact, Product

DATA_DIR = Path(__file__).resolve().parent / "data"
_YES_NO = {"yes", "no", "true", "false", "y", "n"}
_ZERO = re.compile(r"0+(?:\.0+)?\s*[^\W\d_]*")  # "0 cm": an unfilled catalog field, not a fact worth a line


@dataclass(frozen=True)
class _Weights:
    skip: tuple[str, ...]
    placeholders: frozenset[str]
    weights: tuple[tuple[tuple[str, ...], int], ...]
    number_bonus: int
    yes_no_penalty: int


@lru_cache(maxsize=1)
def _weights() -> _Weights:
    raw = yaml.safe_load((DATA_DIR / "key_facts.yaml").read_text(encoding="utf-8"))
    return _Weights(
        skip=tuple(raw["skip"]),
        placeholders=frozenset(raw["placeholders"]),
        weights=tuple((tuple(w["keywords"]), int(w["weight"])) for w in raw["weights"]),
        number_bonus=int(raw["number_bonus"]),
        yes_no_penalty=int(raw["yes_no_penalty"]),
    )


def is_yes_no(fact: Fact) -> bool:
    return fact.value.strip().lower() in _YES_NO


def is_placeholder(value: str) -> bool:
    """"Generic", "others > others": a catalog field left at its default, not a fact about the product."""
    steps = [s.strip().lower() for s in value.split(">")]
    return all(s in _weights().placeholders for s in steps)


def fact_weight(fact: Fact) -> int | None:
    """The fact's informativeness; None for facts that never count (the title, the description, ids)."""
    config = _weights()
    name = fact.name.lower()
    if name in config.skip or _ZERO.fullmatch(fact.value.strip()) or is_placeholder(fact.value):
        return None
    weight = 10
    for keywords, value in config.weights:
        if any(_has_keyword(name, k) for k in keywords):
            weight = value
            break
    if re.search(r"\d", fact.value):
        weight += config.number_bonus
    if is_yes_no(fact):
        weight -= config.yes_no_penalty
    return weight


def key_facts(product: Product, facts: list[Fact], limit: int | None = 6) -> list[Fact]:
    """The `limit` most informative facts (None: all that may count), best first; ties keep the catalog's order.
    One fact per value: a model number repeated as "Manufacturer reference" counts once."""
    ranked = sorted(
        ((w, i, f) for i, f in enumerate(facts) if (w := fact_weight(f)) is not None),
        key=lambda item: (-item[0], item[1]),
    )
    chosen: list[Fact] = []
    seen_values: set[str] = set()
    for _, _, fact in ranked:
        key = fact.value.strip().lower()
        if key in seen_values:
            continue
        seen_values.add(key)
        chosen.append(fact)
        if len(chosen) == limit:
            break
    return chosen


def _has_keyword(name: str, keyword: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(keyword)}", name) is not None

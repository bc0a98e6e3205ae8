"""Attribute names -> family, unit and readable name, from data/families.yaml and the mined Icecat table.

The mined table (data/icecat_numeric.yaml, written by scripts/mine_knowledge.py) has one entry per numeric
Icecat attribute: the unit that the rules and the catalog's own titles agree on, or an explicit unitless
marker. Names it lacks fall back to the rules, so every reader's attributes get a family.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
FAMILIES = ("identity", "size", "weight", "colour", "material", "power", "connectivity", "compatibility",
            "capacity", "age_safety", "contents", "performance", "care", "logistics", "other")
UNITLESS = ("count", "hidden")
_QUALIFIER = re.compile(r"\s*\([^)]*\)")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    family: str
    unit: str | None
    units: tuple[tuple[float, str | None], ...]
    unitless: str | None
    name: str | None
    noun: str | None
    copy: bool = True

    def unit_for(self, value: float | None) -> str | None:
        if self.units and value is not None:
            for bound, unit in self.units:
                if abs(value) < bound:
                    return unit
            return None
        return self.unit


@dataclass(frozen=True)
class AttributeInfo:
    """What the knowledge graph knows of one attribute name."""

    name: str  # as the catalog writes it
    family: str
    readable: str  # how copy names it: "page yield", "processor speed"
    unit: str | None = None  # of a bare number; None where the value carries its own or has none
    unitless: str | None = None  # "count" or "hidden" for numbers that take no unit
    noun: str | None = None  # what a count counts
    copy: bool = True  # False: the facts panel shows it, listing copy leaves it out

    @property
    def shown(self) -> bool:
        return self.copy and self.family != "logistics" and self.unitless != "hidden"


def _rule(raw: dict) -> Rule:
    units = tuple((float(bound), unit) for bound, unit in raw.get("units") or ())
    if raw.get("family") not in FAMILIES:
        raise ValueError(f"families.yaml: unknown family {raw.get('family')!r} in {raw}")
    return Rule(re.compile(raw["match"]), raw["family"], raw.get("unit"), units, raw.get("unitless"),
                raw.get("name"), raw.get("noun"), bool(raw.get("copy", True)))


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    raw = yaml.safe_load((DATA_DIR / "families.yaml").read_text(encoding="utf-8"))
    return tuple(_rule(r) for r in raw["rules"])


@lru_cache(maxsize=1)
def mined_numeric() -> dict[str, dict]:
    """Readable Icecat name -> {unit | unitless, units, evidence...} (see scripts/mine_knowledge.py)."""
    path = DATA_DIR / "icecat_numeric.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def rule_for(name: str) -> Rule | None:
    lower = name.lower().strip()
    return next((r for r in rules() if r.pattern.search(lower)), None)


def readable(name: str) -> str:
    """"Memory bandwidth supported by processor (max)" -> "memory bandwidth supported by processor"."""
    text = _QUALIFIER.sub("", name).strip() or name
    words = text.split()
    return " ".join(w if (any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w)) else w.lower()
                    for w in words)


@lru_cache(maxsize=8192)
def _info(name: str, number: float | None) -> AttributeInfo:
    rule = rule_for(name)
    family = rule.family if rule else "other"
    shown_name = (rule.name if rule and rule.name else None) or readable(name)
    unit = rule.unit_for(number) if rule else None
    unitless = rule.unitless if rule else None
    noun = rule.noun if rule else None
    mined = mined_numeric().get(name)
    if mined is not None:
        unitless = mined.get("unitless")
        unit = None if unitless else _mined_unit(mined, number)
        if unit is None and not unitless:
            unitless = "hidden"  # no unit for this value's range: never said bare
    elif rule and rule.units and number is not None and unit is None and not unitless:
        unitless = "hidden"
    if unitless == "count" and not noun:
        noun = shown_name.split()[-1] if shown_name.split() else "items"
    return AttributeInfo(name, family, shown_name, unit, unitless, noun, rule.copy if rule else True)


def _mined_unit(entry: dict, number: float | None) -> str | None:
    if entry.get("units") and number is not None:
        for bound, unit in entry["units"]:
            if abs(number) < float(bound if bound is not None else math.inf):
                return unit
        return None
    return entry.get("unit")


def lookup(name: str, value: str | None = None) -> AttributeInfo:
    """Family, unit and readable name of an attribute; the value picks the unit where it depends on size
    (4 -> GB, 4096 -> MB for "Internal memory")."""
    number = float(value) if value is not None and _NUMBER.match(value.strip()) else None
    return _info(name.strip(), number)


def with_unit(name: str, value: str) -> str | None:
    """A bare catalog number with its unit ("Processor frequency", "2.13" -> "2.13 GHz"); the value unchanged
    when it is not a bare number; None when the number has no known unit and must not be said bare."""
    stripped = value.strip()
    span = _RANGE.match(stripped)
    if span:  # "100 - 240" (AC input voltage): the range with its unit, or unsaid
        info = lookup(name, span.group(2))
        return f"{stripped} {info.unit}" if info.unit else (stripped if info.unitless == "count" else None)
    if not _NUMBER.match(stripped):
        return value
    info = lookup(name, stripped)
    if info.unit:
        return f"{stripped}{info.unit}" if info.unit in ('"', "°", "%") else f"{stripped} {info.unit}"
    if info.unitless == "count":
        return stripped
    return None


@lru_cache(maxsize=1)
def _kinds() -> dict:
    path = DATA_DIR / "kinds.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}


@lru_cache(maxsize=1)
def kind_heads() -> frozenset[str]:
    """Nouns that name a kind of product ("cartridge", "cable", "doll"), mined from the shared catalogs' titles
    and categories (scripts/mine_knowledge.py writes data/kinds.yaml)."""
    raw = _kinds()
    return frozenset(w.lower() for w in [*(raw.get("heads") or []), *(raw.get("category_heads") or [])])


def known_kind(phrase: str) -> bool:
    """Is the phrase a kind of product copy can call it by: does it end in a kind noun ("toner cartridge",
    "labels"; not "paper matt")?"""
    words = phrase.lower().split()
    if not words:
        return False
    last = words[-1]
    heads = kind_heads()
    return last in heads or (last.endswith("s") and last[:-1] in heads) or (last.endswith("es") and last[:-2] in heads)


@lru_cache(maxsize=1)
def _title_rates() -> dict[str, float]:
    path = DATA_DIR / "title_facts.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    rates: dict[str, float] = {}
    for table in (raw or {}).values():
        for name, rate in (table or {}).items():
            rates[name.lower()] = max(rates.get(name.lower(), 0.0), float(rate))
    return rates


def title_rate(name: str) -> float:
    """How often people put this attribute in a product title (mined from the shared catalogs), 0-1."""
    return _title_rates().get(name.strip().lower(), 0.0)

"""Quantities with units in free text, normalised so that 750 ml == 0.75 l and 27" ~ 68.6 cm.

The unit table is data (chains/grounding/data/units.yaml). Matching rules, in one place (`same_quantity`):
- same unit: the numbers must be equal (2.8 GHz is not 2 GHz; a rounded 2 GHz for 2.13 GHz is not a match);
- another unit of the same dimension: the converted value may differ only by the rounding of the digits the
  claim shows (27" = 68.58 cm, so "68.6 cm" passes), and never by more than 1% (data sizes: 5%, as
  1000- and 1024-based GB are both in use);
- a number without a unit matches any stated number of the same value; a number *with* a unit also matches
  a fact whose whole value is that bare number (Icecat's "Processor frequency: 3.66") when the fact's name
  does not imply another dimension ("Cas latency: 9" does not state "9 GB"), but never a bare number inside
  other words ("3 AA batteries" does not state "3 years").
Hand-written rather than `pint`: we need the *display precision* of the claim and marketing spellings
("27-inch", "30min", "pc(s)"), and a 100-line table beats a dependency with its own unit grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from retrieval.knowledge import lookup

DATA_DIR = Path(__file__).resolve().parent / "data"

NUMBER_PATTERN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # English copy: commas group thousands
_RELATIVE_TOLERANCE = {"data": 0.05}
_DEFAULT_RELATIVE_TOLERANCE = 0.01


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    factor: float


@dataclass(frozen=True)
class Quantity:
    """One number in a text, with the unit written after it (None for a bare number)."""

    value: float
    written: str  # the number as written, e.g. "2.80"
    unit: Unit | None
    start: int
    end: int
    standalone: bool = False  # a fact value that is just this number ("Processor frequency: 3.66")
    implied: str | None = None  # the dimension the fact's name gives a standalone number (frequency)

    @property
    def decimals(self) -> int:
        digits = self.written.replace(",", "")
        return len(digits.split(".")[1]) if "." in digits else 0

    @property
    def label(self) -> str:
        if self.unit is None:
            return self.written
        glued = self.unit.symbol in {"%", "°"}
        return f"{self.written}{self.unit.symbol}" if glued else f"{self.written} {self.unit.symbol}"


def parse_number(written: str) -> float:
    """ "1,000" -> 1000.0, "2.80" -> 2.8."""
    return float(written.replace(",", ""))


@lru_cache(maxsize=1)
def unit_table() -> dict[str, Unit]:
    """Every alias (lowercase) -> its Unit."""
    raw = yaml.safe_load((DATA_DIR / "units.yaml").read_text(encoding="utf-8"))
    table: dict[str, Unit] = {}
    for dimension, units in raw.items():
        for symbol, spec in units.items():
            unit = Unit(symbol=str(symbol), dimension=dimension, factor=float(spec["factor"]))
            for alias in spec["aliases"]:
                table[str(alias).lower()] = unit
    return table


# --- hook: the knowledge graph's unit table (retrieval/knowledge, owned with realization) -------------------
def knowledge_dimension(fact_name: str) -> str | None:
    """The dimension of the unit retrieval.knowledge gives this attribute ("Processor frequency" -> GHz ->
    frequency; "Black toner page yield" -> pages -> count); None when it gives none."""
    info = lookup(fact_name)
    if info.unitless == "count" or (info.unit or "").split(" ")[0] in {"pages", "sheets"}:
        return "count"
    unit = unit_table().get((info.unit or "").lower())
    return unit.dimension if unit else None


@lru_cache(maxsize=1)
def _fact_dimensions() -> tuple[tuple[tuple[str, ...], str], ...]:
    raw = yaml.safe_load((DATA_DIR / "fact_dimensions.yaml").read_text(encoding="utf-8"))
    return tuple((tuple(entry["keywords"]), entry["dimension"]) for entry in raw)


def implied_dimension(fact_name: str) -> str | None:
    """The dimension a fact's name implies for its bare number: the knowledge graph's unit for the attribute
    first (the table realized copy and the facts panel use), then chains/grounding/data/fact_dimensions.yaml."""
    known = knowledge_dimension(fact_name)
    if known is not None:
        return known
    name = fact_name.lower()
    for keywords, dimension in _fact_dimensions():
        if any(k in name for k in keywords):
            return dimension
    return None


@lru_cache(maxsize=1)
def quantity_regex() -> re.Pattern[str]:
    aliases = sorted((a for a in unit_table() if a != "in"), key=len, reverse=True)
    words = "|".join(re.escape(a) for a in aliases)
    # "in" is an inch only at the end of a phrase ("12.5 in", "12 in)"), never in "3 in 1".
    unit = rf"(?P<unit>{words}|in(?=\s*$|\s*[^\w\s]))"
    number = rf"(?:{NUMBER_PATTERN})"
    return re.compile(
        # "40 x 29.8 x 8 cm" and ranges "5 - 12 years", "10 to 20 cm": every number takes the unit.
        rf"(?<![\w.,])(?P<numbers>{number}(?:\s*(?:[x×\-–]|to)\s*{number}){{0,3}})"
        rf"(?:(?P<ordinal>st|nd|rd|th)|\s*(?:-\s*)?{unit}(?!/[^\W\d_]))?(?![\w])",
        re.IGNORECASE,
    )


_NUMBER_RE = re.compile(NUMBER_PATTERN)


def number_group(match: re.Match[str]) -> list[str]:
    """The numbers of a `quantity_regex` match written as a group ("200x234", "40 x 30 x 8.8"); [] for one
    number or a range."""
    parts = re.split(r"\s*[x×]\s*", match.group("numbers"), flags=re.IGNORECASE)
    return parts if len(parts) > 1 and all(_NUMBER_RE.fullmatch(p) for p in parts) else []


_AGE_BEFORE = re.compile(r"\b(?:ages?|aged)\s*:?\s*(?:from\s*|of\s*)?$", re.IGNORECASE)
# "3+" is an age; "110+ x Miniature Bricks" and "500+ pieces" are counts.
_PLUS_AGE = re.compile(r"\+(?!\s*(?:x\b|×|pcs\b|pc\b|pieces?\b|parts?\b))", re.IGNORECASE)


def find_quantities(text: str) -> list[Quantity]:
    """Every number in `text` with its unit; "40 x 29.8 x 8 cm" gives three lengths. An age written
    without a unit ("ages 3+", "aged 5") is in years."""
    found: list[Quantity] = []
    table = unit_table()
    for match in quantity_regex().finditer(text):
        alias = match.group("unit")
        unit = table[alias.lower()] if alias else None
        if unit is None and not match.group("ordinal") and (
            _AGE_BEFORE.search(text[: match.start()]) or _PLUS_AGE.match(text, match.end())
        ):
            unit = table["years"]
        base = match.start("numbers")
        for number in _NUMBER_RE.finditer(match.group("numbers")):
            found.append(
                Quantity(
                    value=parse_number(number.group(0)),
                    written=number.group(0),
                    unit=unit,
                    start=base + number.start(),
                    end=match.end() if unit else base + number.end(),
                )
            )
    return found


def same_quantity(claim: Quantity, fact: Quantity) -> bool:
    """Does the fact state the claimed quantity? (rules in the module docstring)"""
    if claim.unit is None:
        return _equal(claim.value, fact.value)
    if fact.unit is None:
        fits = fact.implied is None or fact.implied == claim.unit.dimension
        return fact.standalone and fits and _equal(claim.value, fact.value)
    if claim.unit.dimension != fact.unit.dimension:
        return False
    if claim.unit.symbol == fact.unit.symbol:
        return _equal(claim.value, fact.value)
    converted = fact.value * fact.unit.factor / claim.unit.factor
    if converted == 0:
        return claim.value == 0
    relative = abs(claim.value - converted) / abs(converted)
    limit = _RELATIVE_TOLERANCE.get(claim.unit.dimension, _DEFAULT_RELATIVE_TOLERANCE)
    if claim.unit.dimension == "data":
        return relative <= limit
    rounding = 0.5 * 10 ** (-claim.decimals) + 1e-9
    return abs(claim.value - converted) <= rounding and relative <= limit


def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))

"""Attribute-specific phrases (data/specs.yaml) and the facts copy says together: connectors ("DB9 male to DB9
female connectors") and certifications ("certified CE and REACH, and RoHS compliant")."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from chains.drafting.realize import values as v
from copydesk.domain import Fact
from retrieval.knowledge import AttributeInfo

DATA_DIR = Path(__file__).resolve().parent / "data"
SKIP = "skip"
_CONNECTOR = re.compile(r"^connector (\d)$")
_GENDER = {"m": "male", "f": "female", "male": "male", "female": "female"}
_CERTIFIED_FLAG = re.compile(r"^(.*?)\s*(certified|compliance|compliant)$", re.I)


@dataclass(frozen=True)
class Spec:
    match: re.Pattern[str]
    when: re.Pattern[str] | None
    has: tuple[str, ...]
    says: tuple[str, ...]
    line: tuple[str, ...]
    theme: str | None
    skip: bool


@lru_cache(maxsize=1)
def specs() -> tuple[Spec, ...]:
    raw = yaml.safe_load((DATA_DIR / "specs.yaml").read_text(encoding="utf-8"))["specs"]
    return tuple(Spec(re.compile(r["match"]), re.compile(r["when"]) if r.get("when") else None,
                      tuple(r.get("has") or ()), tuple(r.get("says") or ()), tuple(r.get("line") or ()),
                      r.get("theme"), bool(r.get("skip"))) for r in raw)


def spec_for(name: str, value: str) -> Spec | None:
    lower_name, lower_value = name.lower().strip(), value.lower().strip()
    return next((s for s in specs() if s.match.search(lower_name)
                 and (s.when is None or s.when.search(lower_value))), None)


def fill(template: str, fact: Fact, info: AttributeInfo) -> str:
    """The template with the fact's value in the form each placeholder asks for; "" when one cannot be made."""
    value = fact.value.strip()
    parts = v.items(value)
    number = re.match(r"^\s*(\d+)\s*$", value)
    shown = v.measure(fact.name, value) if "{shown}" in template or "{a_shown}" in template else ""
    if shown is None or ("{n}" in template and not number):
        return ""
    values = {"value": value, "lower": v.lower_value(value), "shown": shown, "list": v.join(parts),
              "list_lower": v.join([v.lower_value(p) for p in parts]), "n": v.grouped(number.group(1)) if number else ""}
    values.update({f"a_{k}": v.article(values[k]) if values[k] else "" for k in ("value", "lower", "shown")})
    try:
        return " ".join(template.format(**values).split())
    except (KeyError, IndexError):
        return ""


def connectors(by_name: dict[str, Fact]) -> tuple[str, list[str]] | None:
    """"Connector 1: DB9", "Connector 2: DB9", "Connector gender: Male connector/Female connector" ->
    "DB9 male to DB9 female connectors" (and the facts it says). Also Icecat's "Connector(s): RJ45 M / RJ45 M"."""
    ends = {int(m.group(1)): f for n, f in by_name.items() if (m := _CONNECTOR.match(n))}
    if len(ends) == 2:
        genders = _genders(by_name.get("connector gender"), by_name.get("connector 1 gender"),
                           by_name.get("connector 2 gender"))
        used = [ends[1].id, ends[2].id] + [f.id for n, f in by_name.items() if n.startswith("connector") and "gender" in n]
        names = [ends[1].value.strip(), ends[2].value.strip()]
        if genders and len(genders) == 2:
            return f"{names[0]} {genders[0]} to {names[1]} {genders[1]} connectors", used
        return f"{names[0]} to {names[1]} connectors", used
    combined = by_name.get("connector(s)") or by_name.get("connector s")
    if combined:
        sides = [s.strip() for s in re.split(r"\s+/\s+|\s+to\s+", combined.value) if s.strip()]
        parsed = [re.fullmatch(r"(.+?)\s+(M|F|Male|Female)", s, re.I) for s in sides]
        if len(sides) == 2 and all(parsed):
            return (f"{parsed[0].group(1)} {_GENDER[parsed[0].group(2).lower()]} to "  # type: ignore[union-attr]
                    f"{parsed[1].group(1)} {_GENDER[parsed[1].group(2).lower()]} connectors", [combined.id])  # type: ignore[union-attr]
    return None


def _genders(both: Fact | None, first: Fact | None, second: Fact | None) -> list[str]:
    if first and second:
        words = [first.value, second.value]
    elif both:
        words = [w for w in re.split(r"\s*/\s*", both.value) if w.strip()]
        words = words * 2 if len(words) == 1 else words
    else:
        return []
    out = [_GENDER.get(w.lower().replace("connector", "").strip()) for w in words]
    return [g for g in out if g] if all(out) else []


def certifications(facts: list[Fact]) -> tuple[str, list[str]] | None:
    """"Certification: CE, REACH" and "RoHS compliance: yes" -> "carries CE and REACH certification and is RoHS
    compliant". (Not "is certified CE": the verifier takes "certified" for an absolute claim.)"""
    named, flags, used = [], [], []
    for fact in facts:
        name = fact.name.strip()
        if name.lower() in {"certification", "certifications", "certificates"}:
            named += [c for c in v.items(fact.value) if len(c) <= 30]
            used.append(fact.id)
        elif (match := _CERTIFIED_FLAG.match(name)) and v.yes(fact.value):
            (named if match.group(2).lower() == "certified" else flags).append(_mark(match.group(1)))
            used.append(fact.id)
    named = list(dict.fromkeys(named))
    flags = [f for f in flags if not any(f.lower().startswith(n.lower()) for n in named)]
    if not named and not flags:
        return None
    said = f"carries {v.join(named)} certification" if named else ""
    if named and flags:
        said = f"carries {v.join(named)} certification and is {v.join(flags)} compliant"
    elif flags:
        said = f"is {v.join(flags)} compliant"
    return said, used


_MARKS = {"energy star": "ENERGY STAR", "rohs": "RoHS", "pefc": "PEFC", "fsc": "FSC", "weee": "WEEE", "reach": "REACH"}


def _mark(name: str) -> str:
    """A certification's name as its body writes it ("Energy star" -> "ENERGY STAR")."""
    return _MARKS.get(name.strip().lower(), name.strip())


def pick(options: tuple[str, ...], rng: random.Random) -> list[str]:
    order = list(options)
    rng.shuffle(order)
    return order


_PAIRS = re.compile(r"^(label|sheet|paper|media|page|card|screen|display) (width|height|length)$")


def sized_pairs(by_name: dict[str, Fact]) -> list[tuple[str, str, list[str]]]:
    """"Label width: 64.6 mm" + "Label height: 33.8 mm" -> ("label", "64.6 x 33.8 mm", ids)."""
    found: dict[str, dict[str, Fact]] = {}
    for name, fact in by_name.items():
        if match := _PAIRS.match(name):
            found.setdefault(match.group(1), {})[match.group(2)] = fact
    out = []
    for thing, sides in found.items():
        width, other = sides.get("width"), sides.get("height") or sides.get("length")
        if not width or not other:
            continue
        a, b = v.measure(width.name, width.value), v.measure(other.name, other.value)
        if a and b and a.split()[-1] == b.split()[-1]:
            out.append((thing, f"{a.split()[0]} x {b.split()[0]} {a.split()[-1]}", [width.id, other.id]))
    return out

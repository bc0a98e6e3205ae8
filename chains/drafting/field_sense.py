"""Field sense: does a value fit what its label or its measure word names? Model text can read fine on the
surface and still pair a label with a value it cannot hold ("Minimum price: 82 g", "Model: 33.5 mm"), convert a
measure wrongly ("7.6 inches (19.9 cm)"), or leave a number with nothing to count ("... Processor QPI under L3
5000."). The fluency gate (generators/text/fluency.py) reads the surface; this check reads the fields, with the
knowledge graph's units (retrieval/knowledge: which unit each attribute takes) and the verifier's unit table
(chains/grounding). It lives in chains because generators must not import retrieval (tests/test_architecture.py).

`features(text)` counts each kind of misfit; `problem(text)` names the first one, or None. Like the fluency gate it
is for model text only: realized text says its facts with the knowledge graph's own units.
Word lists are data (data/field_sense.yaml).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chains.grounding import find_quantities, implied_dimension, split_sentences, unit_table
from retrieval.knowledge import lookup

DATA_FILE = Path(__file__).resolve().parent / "data" / "field_sense.yaml"
MONEY = "money"
VERBS = {"measures": "length", "weighs": "mass"}  # "it weighs 3 GB"
MAX_DIGITS = 6  # longer numbers are codes (EAN, UPC), not amounts
CONVERSION_TOLERANCE = 0.02  # "7 in (17.8 cm)" is 0.1% off; "7.6 inches (19.9 cm)" 3%
# "Label: value": a capitalised name of one to four words before ": " ("Minimum price: ", "Product Size: ").
FIELD = re.compile(r"(?:^|(?<=[\s;|•(]))(?P<label>[A-Z][a-z]+(?:[ -][A-Za-z][a-z]+){0,3}):\s+")
WORD = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*")
GROUP = re.compile(r"\b\d+(?:\.\d+)?\s*[x×]\s*\d+(?:\.\d+)?\s+(?P<word>[a-z]+)", re.IGNORECASE)
END_NUMBER = re.compile(r"(?:(?P<before>\S+)\s+|^)(?P<number>\d{2,}(?:[.,]\d+)*)\s*[.!?]?\s*$")
AGE_WORDS = re.compile(r"\b(?:child|children|kids|ages?|aged|boys|girls|toddlers|babies)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}
    return {key: frozenset(str(w).lower() for w in raw.get(key) or ()) for key in
            ("money", "currency", "named", "bare_before", "comparatives")}


def label_dimension(label: str) -> str | None:
    """What a label asks for: "money" for a price, else the dimension its attribute's unit has in the knowledge
    graph or its name implies ("Minimum size" -> length), else None."""
    words = WORD.findall(label.lower())
    if set(words) & _data()["money"]:
        return MONEY
    info = lookup(label)
    unit = unit_table().get((info.unit or "").lower())
    if unit is not None:
        return unit.dimension
    for size in (1, 2, 3):  # the head word first: "Minimum size" -> size
        for start in range(len(words) - size, -1, -1):
            found = _whole_word_dimension(" ".join(words[start:start + size]))
            if found is not None:
                return found
    return None


def _whole_word_dimension(phrase: str) -> str | None:
    """The dimension the verifier's table gives a phrase, only where a keyword is the phrase itself, not a part
    of a longer word ("age" is a time, "package" and "damaged" are not): the table matches keywords anywhere in
    a name, so a phrase whose dimension survives losing its first or last letter holds the keyword inside."""
    found = implied_dimension(phrase)
    if found is None or implied_dimension(phrase[1:]) == found or implied_dimension(phrase[:-1]) == found:
        return None
    return found


def _has_currency(value: str) -> bool:
    currency = _data()["currency"]
    return any(sign in value for sign in currency if not sign.isalpha()) or bool(
        set(WORD.findall(value.lower())) & {c for c in currency if c.isalpha()})


def fields(text: str) -> list[tuple[str, str]]:
    """The "Label: value" fragments of a text, each value up to the next label or separator."""
    found = list(FIELD.finditer(text))
    out = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = re.split(r"[;|•\n]", text[match.end():end])[0].strip()
        out.append((match.group("label").strip(), value))
    return out


def label_misfits(text: str) -> int:
    """Fields whose value is a measure the label cannot hold: a unit of another dimension than the label asks
    for ("Minimum size: 13.5g"), money without a currency ("Minimum price: 82 g"), or a label that names a thing
    given only a measure ("Model: 33.5 mm", "Cable standard: 25 ft, blue")."""
    misfits = 0
    for label, value in fields(text):
        measured = [q for q in find_quantities(value) if q.unit is not None and q.unit.dimension != "count"]
        if not measured:
            continue
        wanted = label_dimension(label)
        head = WORD.findall(label.lower())[-1:] or [""]
        if wanted == "count":
            continue  # "Pack of: 1 24 V bulb", "Package contents: 2 x 1.5 V batteries"
        if wanted == MONEY:
            misfits += not _has_currency(value)
        elif wanted is not None:
            misfits += any(q.unit.dimension != wanted for q in measured)
        elif head[0] in _data()["named"]:
            misfits += measured[0].start == 0  # the value is a measure, not a name that holds one
    return misfits


def measure_misfits(text: str) -> int:
    """Measure words next to a measure of another dimension: "a width of 7.6 kg", "480x234 storage" (a measure
    word linked by "of", "is"... before the measure, or right after a group of numbers such as 480x234)."""
    misfits = 0
    quantities = find_quantities(text)
    for q in quantities:
        if q.unit is None or q.unit.dimension == "count":
            continue
        before = re.search(r"\b(?P<word>[A-Za-z]+)\s+(?P<link>of|is|measures|weighs)\s+"
                           r"(?:up to\s+|about\s+|approximately\s+)?$", text[:q.start])
        if before is None:
            continue
        link = before.group("link").lower()
        wanted = VERBS.get(link) or _whole_word_dimension(before.group("word").lower())
        misfits += wanted is not None and wanted not in (q.unit.dimension, "count")
    for match in GROUP.finditer(text):
        wanted = _whole_word_dimension(match.group("word").lower())
        misfits += wanted is not None and wanted not in ("resolution", "length", "count")
    return misfits


def conversion_misfits(text: str) -> int:
    """A measure and its conversion in brackets that disagree: "7.6 inches (19.9 cm)" (7.6 in is 19.3 cm)."""
    misfits = 0
    quantities = [q for q in find_quantities(text) if q.unit is not None]
    for a, b in zip(quantities, quantities[1:]):
        if a.unit.dimension != b.unit.dimension or a.unit.symbol == b.unit.symbol:
            continue
        if a.unit.dimension == "temperature":
            continue  # offsets: °C and °F do not convert by a factor
        if re.search(r"[x×]", text[a.start:a.end] + text[b.start:b.end]):
            continue  # groups: "330 x 483 mm (13 x 19 in)"
        if not re.fullmatch(r"\s*\(\s*(?:approx\.?\s*|about\s*)?", text[a.end:b.start]):
            continue  # not "A (B)"
        converted = a.value * a.unit.factor / b.unit.factor
        rounding = 10.0 ** -b.decimals  # "2M (6-ft.)": 6.56 ft cut to 6
        if abs(b.value - converted) > max(rounding, CONVERSION_TOLERANCE * abs(converted)):
            misfits += 1
    return misfits


def bare_numbers(text: str) -> int:
    """Numbers with nothing to count or measure: a sentence that ends on a bare number of two digits or more
    ("... Emergency Power for 251.", "pixels 37."), and a bare number of two digits or more compared with a bound
    and followed by a name or nothing ("under 1440 GeForce"; not "Over 15 Phrases"). Meant: counts and years
    ("Pack of 12", "in 1879"), a name's number ("iPhone 12"), codes ("LQ-590"), money ("£10.00"), ages ("for
    children over 3")."""
    data = _data()
    found = 0
    offset = 0
    for sentence in split_sentences(text):
        offset = text.find(sentence, offset)
        end = END_NUMBER.search(sentence)
        start = offset + end.start("number") if end else 0
        if not end or re.search(r"[(#:x×]\s*$", sentence[:end.start("number")]) or _has_currency(
                text[max(0, start - 4):start]):
            continue  # "Price: Rs. 699" ("Rs." may end a sentence of its own)
        written = (end.group("before") or "").rstrip(".,")
        before = written.strip("™®©")
        meant = before.lower() in data["bare_before"] | data["comparatives"]
        if meant or (before.isalpha() and not before.islower()) or (written and not before.isalnum()) or len(
                end.group("number")) > MAX_DIGITS:
            continue  # "Pack of 12", "in 1879"; a name's number: "iPhone 12", "Intel® 3420"; "Box ) 8400"; a UPC
        quantity = [q for q in find_quantities(sentence) if q.start == end.start("number")]
        found += bool(quantity) and quantity[0].unit is None
    for q in find_quantities(text):
        if q.unit is not None:
            continue
        head = " ".join(WORD.findall(text[:q.start].lower())[-2:])
        if not any(head == c or head.endswith(" " + c) for c in data["comparatives"]):
            continue
        if len(q.written) < 2 or _has_currency(text[max(0, q.start - 2):q.start]) or AGE_WORDS.search(
                " ".join(text[:q.start].split()[-5:])):
            continue  # "under £50"; an age ("for children over 3")
        after = text[q.end:].lstrip()
        following = after.split()[0] if after else ""
        if not after or after[0] in ".!?" or (following[:1].isupper() and not following.istitle()):
            found += 1
    return found


def repeated_labels(text: str) -> int:
    """A label given twice in one text ("Brand: Epson Model: ... Brand: Epson - FX-8")."""
    labels = [label.lower() for label, _ in fields(text)]
    return len(labels) - len(set(labels))


def features(text: str) -> dict[str, float]:
    """Each kind of misfit, counted (names are the keys the bench reports)."""
    return {"label_misfit": float(label_misfits(text)), "measure_misfit": float(measure_misfits(text)),
            "conversion_misfit": float(conversion_misfits(text)), "bare_number": float(bare_numbers(text)),
            "repeated_label": float(repeated_labels(text))}


PROBLEMS = {
    "label_misfit": "gives a field a value it cannot hold",
    "measure_misfit": "gives a measure a unit of another kind",
    "conversion_misfit": "converts a measure wrongly",
    "bare_number": "leaves a number with nothing to count or measure",
    "repeated_label": "gives a field twice",
}


def problem(text: str, checks: tuple[str, ...] = tuple(PROBLEMS)) -> str | None:
    """Why the text makes no sense as fields and measures, or None."""
    found = features(text)
    return next((PROBLEMS[name] for name in checks if found.get(name, 0.0) > 0), None)

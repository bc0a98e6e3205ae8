"""The product's facts prepared once for fast, normalised look-ups by the verifier."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from chains.grounding.units import (
    NUMBER_PATTERN,
    Quantity,
    find_quantities,
    implied_dimension,
    number_group,
    parse_number,
    quantity_regex,
    same_quantity,
)
from chains.grounding.vocabulary import stem, words
from copydesk.domain import Fact

_NUMBER_RE = re.compile(NUMBER_PATTERN)
NEGATIVE_VALUES = {"no", "false", "none", "n", "not included", "not required"}


def compact(text: str) -> str:
    """Lowercase letters and digits only: "dv7-1211EA" -> "dv71211ea", for model-code look-ups."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@lru_cache(maxsize=4096)
def _code_regex(key: str) -> re.Pattern[str]:
    """A compacted code as it may be written in a fact: any case, up to two separators between characters,
    and a boundary at each end. Catalog blobs glue words to values ("numberR1151Assembly"), so a lowercase
    letter before the code, or a capitalised word right after it, also counts as a boundary; a truncated code
    ("R1" for "R1151", "CF226" for "CF226XL") does not match."""
    body = r"[^0-9A-Za-z]{0,2}".join(re.escape(ch) for ch in key)
    start = r"(?:(?<![0-9A-Za-z])|(?<=[a-z])(?=[A-Z0-9]))"
    end = r"(?=[^0-9A-Za-z]|$|[A-Z][a-z])"
    return re.compile(rf"{start}(?i:{body}){end}")


def fact_order(fact_id: str) -> int:
    """F2 before F10; ids that are not Fn last."""
    return int(fact_id[1:]) if fact_id[1:].isdigit() else 10**6


@dataclass
class IndexedFact:
    fact: Fact
    text: str
    stems: set[str]
    quantities: list[Quantity]
    compact: str


@dataclass
class FactIndex:
    """Facts plus optional extra allowed texts (the brand's own required phrases), id "" for the latter."""

    facts: list[IndexedFact]
    stem_facts: dict[str, list[str]] = field(default_factory=dict)
    # Words only a "no" fact uses ("Batteries included: no"): they support a sentence only if it negates.
    negated_stem_facts: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: list[Fact], extra_texts: list[str] | tuple[str, ...] = ()) -> "FactIndex":
        indexed = [_index(f.id, f"{f.name}: {f.value}", f) for f in facts]
        indexed += [_index("", text, None) for text in extra_texts if text.strip()]
        index = cls(facts=indexed)
        for item in indexed:
            negative = item.fact.value.strip().lower() in NEGATIVE_VALUES
            target = index.negated_stem_facts if negative else index.stem_facts
            for s in item.stems:
                target.setdefault(s, []).append(item.fact.id)
        for s in list(index.negated_stem_facts):
            if s in index.stem_facts:
                del index.negated_stem_facts[s]
        return index

    def has_stem(self, word_stem: str) -> bool:
        return word_stem in self.stem_facts

    def negated_by(self, word_stem: str) -> list[str]:
        """Ids of the "no" facts that use this word (and no positive fact does)."""
        return self.negated_stem_facts.get(word_stem, [])

    def facts_with_stem(self, word_stem: str) -> list[str]:
        return [i for i in self.stem_facts.get(word_stem, []) if i]

    def quantity_support(self, claim: Quantity) -> list[str]:
        """Ids of the facts stating the claimed quantity ("" = an extra allowed text)."""
        return [item.fact.id for item in self.facts if any(same_quantity(claim, q) for q in item.quantities)]

    def same_dimension(self, claim: Quantity) -> list[tuple[str, Quantity]]:
        """Facts stating a quantity of the claim's kind, for the reason of a wrong number."""
        if claim.unit is None:
            return []
        return [(item.fact.id, q) for item in self.facts for q in item.quantities
                if q.unit is not None and q.unit.dimension == claim.unit.dimension and item.fact.id]

    def code_support(self, code: str, *, plus: bool = False) -> list[str]:
        """Facts stating the model code as a whole code: "R1151" supports "R-1151", not "R1" or "R11511";
        with `plus`, the code followed by "+" ("A3+"), and without it, not ("A3" is not "A3+")."""
        key = compact(code)
        if not key:
            return []
        pattern = _code_regex(key)
        return [item.fact.id for item in self.facts if key in item.compact and any(
            (item.text[m.end() : m.end() + 1] == "+") == plus for m in pattern.finditer(item.text))]

    def grouped(self, fact_id: str) -> bool:
        """Does the fact write numbers as a group ("480 x 234", "40 x 30 x 8.8 cm")?"""
        return fact_id in self._grouped_ids

    @cached_property
    def _grouped_ids(self) -> frozenset[str]:
        return frozenset(
            item.fact.id for item in self.facts if any(number_group(m) for m in quantity_regex().finditer(item.text))
        )

    def currency_support(self, symbol: str, written: str) -> list[str]:
        """Facts stating this amount of money, written with the same symbol."""
        needle = re.compile(rf"{re.escape(symbol)}\s?{re.escape(written)}(?![\d.,]*\d)")
        return [item.fact.id for item in self.facts if needle.search(item.text)]

    def pattern_support(self, pattern: re.Pattern[str], matched: str) -> list[str]:
        key = compact(matched)
        return [item.fact.id for item in self.facts
                if any(compact(m.group(0)) == key for m in pattern.finditer(item.text))]

    def phrase_support(self, phrase: str) -> list[str]:
        """Facts containing the phrase (single words compared by stem, phrases as lowercase text)."""
        if re.fullmatch(r"[^\W\d_]+", phrase):
            return list(self.stem_facts.get(stem(phrase), []))
        needle = phrase.lower()
        return [item.fact.id for item in self.facts if needle in item.text.lower()]


def _index(fact_id: str, text: str, fact: Fact | None) -> IndexedFact:
    quantities = find_quantities(text)
    # Digits glued to words in catalog blobs ("Scale1:72") still count as stated numbers; digits inside a
    # code or name ("Dream2Reality", "B00A3J2TTI": a letter right after them) do not.
    covered = {(q.start, q.end) for q in quantities}
    for match in _NUMBER_RE.finditer(text):
        inside_word = text[match.end() : match.end() + 1].isalpha()
        if not inside_word and not any(start <= match.start() < end for start, end in covered):
            quantities.append(Quantity(parse_number(match.group(0)), match.group(0), None, match.start(), match.end()))
    stand_in = fact or Fact(id=fact_id, name="", value=text, source_id="")
    if fact is not None and re.fullmatch(NUMBER_PATTERN, fact.value.strip()):
        value_start = len(fact.name) + 2
        implied = implied_dimension(fact.name)
        quantities = [replace(q, standalone=True, implied=implied) if q.unit is None and q.start >= value_start
                      else q for q in quantities]
    return IndexedFact(
        fact=stand_in,
        text=text,
        stems={stem(w) for w, _, _ in words(text)},
        quantities=quantities,
        compact=compact(text),
    )

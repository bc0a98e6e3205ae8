"""Sentence frames that change what a claim means, found before word-by-word judging (chains/grounding/claims.py).

- a field line, "Connector gender: Male": when the label names a fact, the value must be that fact's value
  (every word of it, judged strictly), not just any fact's words, and both sides of a pair the fact gives
  ("Male connector/Female connector", "AC/Battery"), not one;
- contents, "Box includes a racket and a whistle": each thing listed must be in the facts, even a word that
  elsewhere is only language;
- a bound, "under 1.8 m" for a 1.8 m cable: a claim the facts must state as a bound;
- a single item, "Box contains 1 x Despatch Bag": the "1 x" counts the product itself, so it needs no fact;
- negated contents, "The glue is not supplied", "no accessories": a claim about the box that only a "no"
  fact supports;
- a name with a number, "Diesel 1": when the facts give the same name another number ("Diesel 10"), the
  name is wrong even if a "1" is stated elsewhere;
- a renamed product, "ClickSafe Keyed Laptop Lock" for the name "ClickSafe Combination Laptop Lock": a word
  put in the place of one of the name's words, between words of the name, changes what the name says, even
  when the facts use that word elsewhere ("Number of keys provided: 2").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from chains.grounding.fact_index import NEGATIVE_VALUES, FactIndex
from chains.grounding.language import word_class
from chains.grounding.units import find_quantities, same_quantity, unit_table
from chains.grounding.vocabulary import DATA_DIR, stem, stopwords, words
from copydesk.domain import Fact

# A value ends at ";", at the end, or where the next label starts ("Colour Name:Black Note: Before ...").
_FIELD_RE = re.compile(r"(?:^|(?<=;))\s*(?P<label>[A-Za-z][A-Za-z ()/&'-]{0,40}?)\s*:\s*"
                       r"(?P<value>[^;:]+?)(?=\s+[A-Z][A-Za-z ]{0,30}:|\s*;|\s*$)")
_SINGLE_ITEM_RE = re.compile(r"\b(?:box|pack|package|set)\s+contains?\s*:?\s*(?P<one>1\s*x)\s*(?=\w)", re.IGNORECASE)
_NOT_SUPPLIED_RE = re.compile(
    r"\b(?P<thing>[^\W\d_]+)\s+(?:is|are)?\s*not\s+(?:supplied|included|provided|required|needed)\b", re.IGNORECASE)
_NO_THING_RE = re.compile(r"\bno\s+(?P<thing>[^\W\d_]+)\b", re.IGNORECASE)
# A bound on a measure ("under 1.8 m" for a 1.8 m cable) says something else than the measure itself.
_BOUND_RE = re.compile(r"\b(?P<bound>under|over|less than|more than|below|above|at least|at most|in excess of)\s+"
                       r"(?=\d)", re.IGNORECASE)
# What the box holds: every word of the list is a contents claim, whatever its word class.
_CONTENTS_RE = re.compile(r"\b(?:includes?|including|contains?|comes? with|supplied with|complete with)\b\s*:?\s*"
                          r"(?P<items>(?:[^.;!?()]|(?<=\d)\.(?=\d))+)", re.IGNORECASE)  # "a 9.75 inch board"
_NAME_NUMBER_RE = re.compile(r"\b(?P<name>[A-Z][a-z]{2,})\s+(?P<number>\d+(?:\.\d+)?)\b"
                             r"(?![.,]\d|\s*(?:x\b|×|%|[:/\"”″'-]))(?:\s*(?P<after>[A-Za-z]+))?")


# Fact labels that hold the product's name ("Title", "Name", "Product name").
_NAME_LABELS = frozenset({"product", "titl", "name"})
_TOKEN_RE = re.compile(r"[^\W_]+")

_YES_NO = {"yes", "no", "y", "n", "true", "false"}
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}


@dataclass
class FrameClaim:
    start: int
    end: int
    kind: str
    text: str
    support: list[str]
    reason: str


@lru_cache(maxsize=1)
def _label_synonyms() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load((DATA_DIR / "field_names.yaml").read_text(encoding="utf-8"))
    table: dict[str, frozenset[str]] = {}
    for group in raw:
        stems = frozenset(stem(w) for w in group)
        table.update((s, stems) for s in stems)
    return table


def _label_stems(text: str) -> list[str]:
    return [s for w, _, _ in words(text) if (s := stem(w)) not in stopwords()]


def _widen(stems: list[str]) -> frozenset[str]:
    return frozenset(stems).union(*(_label_synonyms().get(s, frozenset()) for s in stems))


def _matches(label: list[str], name: list[str]) -> float:
    """How well a copy label names a fact (0 = not at all). Every word of the label must be the name's or a
    synonym ("Brand" ~ "Supplier"); a label with a word the name lacks ("Dartboard dimensions" against
    "Dimensions") names something else, and its value is judged like any sentence. More shared words rank higher."""
    if not label or not name:
        return 0.0
    wide_label, wide_name = _widen(label), _widen(name)
    if not set(label) <= wide_name:
        return 0.0
    return len(wide_label & wide_name) / len(wide_label | wide_name)


def field_facts(label: str, facts: list[Fact]) -> list[Fact]:
    """The facts a label names, best matches only."""
    label_stems = _label_stems(label)
    scored = [(_matches(label_stems, _label_stems(f.name)), f) for f in facts]
    best = max((score for score, _ in scored), default=0.0)
    return [f for score, f in scored if best > 0 and score == best]


def field_lines(sentence: str, facts: list[Fact], judge_value) -> list[FrameClaim]:
    """ "Label: value" segments whose label names a fact. `judge_value(value, facts)` says whether the value
    is that fact's (strictly: every content word must be the fact's)."""
    found = []
    for m in _FIELD_RE.finditer(sentence):
        named = field_facts(m.group("label"), facts)
        value = m.group("value").strip().rstrip(".")
        if not named:
            if value.lower() in _YES_NO:  # "Limited edition: Yes" claims a field the record does not have
                found.append(FrameClaim(m.start("label"), m.end("value"), "field", m.group(0).strip(), [],
                                        f"'{m.group(0).strip()}': no fact is about {m.group('label').strip()}"))
            continue
        # The value must be that fact's, though it may repeat the product's name ("Brand: DYMO LabelWriter");
        # a value with no word of the named fact is another field's ("Brand: 2m Velocity Audio Cable").
        said = {s for s in _label_stems(value) if s not in unit_table()}  # "33.6 mm": the number is judged
        ok = (not said or bool(said & {s for f in named for s in _label_stems(f.value)})) and \
            judge_value(value, named + facts[:1]) and not all(_one_side(value, f.value) for f in named)
        stated = "; ".join(f"{f.id} {f.name}: {f.value}" for f in named[:2])
        found.append(FrameClaim(m.start("label"), m.end("value"), "field", m.group(0).strip(),
                                [f.id for f in named] if ok else [], f"'{m.group(0).strip()}': the facts say {stated}"))
    return found


def _one_side(copy_value: str, value: str) -> bool:
    """The copy's value names one side of a fact's pair of words ("Male connector/Female connector", "AC/Battery"):
    "Connector gender: Male" says the product is only that. Pairs of numbers ("1500VA/980W") are not sides."""
    parts = [set(_label_stems(p)) for p in value.split("/")]
    if len(parts) < 2 or not all(parts) or not all(re.fullmatch(r"[^\W\d_ ]+(?: [^\W\d_]+)*", p.strip())
                                                 for p in value.split("/")):
        return False
    said = set(_label_stems(copy_value))
    sides = [bool(said & (p - set().union(*(q for q in parts if q is not p)))) for p in parts]
    return any(sides) and not all(sides)


def contents(sentence: str, judge_items) -> list[FrameClaim]:
    """ "Box includes ball racket, ball bag and whistle": `judge_items(text)` is the strict verdict's
    (support, unsupported words) for the listed items."""
    found = []
    for m in _CONTENTS_RE.finditer(sentence):
        if re.search(r"(?:\bnot|n't|\bnever)\s*$", sentence[: m.start()], re.IGNORECASE):
            continue  # "does not include a remote": a negated claim, judged word by word against "no" facts
        support, missing = judge_items(m.group("items"))
        if missing:
            found.append(FrameClaim(m.start("items"), m.end("items"), "contents", m.group("items").strip(), [],
                                    f"the facts do not mention: {', '.join(missing)}"))
    return found


def bounds(sentence: str, index: FactIndex) -> list[FrameClaim]:
    """ "Under 1.8 Meter": a bound on a measure needs a fact that states the bound. Ages are left to the age
    rules ("not for children under 36 months" follows from "3 years and up")."""
    found = []
    for m in _BOUND_RE.finditer(sentence):
        quantity = next((q for q in find_quantities(sentence) if q.start == m.end()), None)
        if quantity is None or quantity.unit is None or quantity.unit.dimension == "time":
            continue
        bound = m.group("bound").lower()
        support = [i.fact.id for i in index.facts if bound in i.text.lower()]
        found.append(FrameClaim(m.start(), quantity.end, "number", sentence[m.start():quantity.end], support,
                                f"'{sentence[m.start():quantity.end]}': the facts state no such bound"))
    return found


def single_item(sentence: str, facts: list[Fact]) -> list[FrameClaim]:
    title = [f.id for f in facts[:1]]
    return [FrameClaim(m.start("one"), m.end("one"), "number", m.group("one"), title or [""], "")
            for m in _SINGLE_ITEM_RE.finditer(sentence)]


def negated_contents(sentence: str, index: FactIndex) -> list[FrameClaim]:
    """Contents said to be absent: supported only by a "no" fact that names them."""
    found = []
    for pattern in (_NOT_SUPPLIED_RE, _NO_THING_RE):
        for m in pattern.finditer(sentence):
            word = m.group("thing")
            if stem(word) in stopwords() or word.lower() in _NUMBER_WORDS:
                continue
            if pattern is _NO_THING_RE and not index.has_stem(stem(word)) and word_class(word) not in (None, "kind"):
                continue  # "no need", "no mess": no contents
            said = m.group(0).lower()  # a fact that says the same ("no squeaks") supports it
            support = _no_facts(stem(word), index) + [i.fact.id for i in index.facts if said in i.text.lower()]
            found.append(FrameClaim(m.start("thing"), m.end("thing"), "sentence", m.group(0), support,
                                    f"'{m.group(0)}': no fact says the product comes without {word}"))
    return found


def name_numbers(sentence: str, index: FactIndex) -> list[FrameClaim]:
    """A number right after a name ("Diesel 10", "Figure 14", "Quick Charge 3.0") belongs to the name: some
    fact must give the two together, a "14" stated elsewhere (a width) is not this one."""
    found = []
    for m in _NAME_NUMBER_RE.finditer(sentence):
        name, number = m.group("name"), m.group("number")
        if m.group("after") and m.group("after").lower() in unit_table():
            continue  # "Frozen 30 inch": a measure, judged as a quantity
        if m.start() == 0 and word_class(name) is not None:
            continue  # "Holds 500 sheets", "Yields 30000 pages": a capital that only starts the sentence
        if any(re.search(rf"\b{re.escape(name)}\W*$", item.fact.value, re.IGNORECASE) for item in index.facts
               if set(_label_stems(item.fact.name)) & _label_synonyms()[stem("brand")]):
            continue  # "Just Cards 20 Cameos": the brand ("Just Cards") ends, the number starts the title
        end = m.end("number")
        stated = {n for item in index.facts for n in re.findall(rf"\b{re.escape(name)}\s+(\d+(?:\.\d+)?)\b", item.text, re.IGNORECASE)}
        pattern = re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)")
        together = [item.fact.id for item in index.facts if stem(name) in item.stems and pattern.search(item.text)]
        if stated and number not in stated:
            found.append(FrameClaim(m.start(), end, "model", sentence[m.start():end], [],
                                    f"'{sentence[m.start():end]}': the facts name {name} {', '.join(sorted(stated))}"))
        elif not stated and not together and not _identifier(number, index):
            found.append(FrameClaim(m.start("number"), end, "model", sentence[m.start():end], [],
                                    f"'{sentence[m.start():end]}': no fact gives {name} with {number}"))
    return found


def _identifier(number: str, index: FactIndex) -> bool:
    """A long number the facts state on its own ("Set 60009" for the model 60009)."""
    pattern = re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)")
    return len(number) >= 4 and any(pattern.search(item.text) for item in index.facts)


def _no_facts(word_stem: str, index: FactIndex) -> list[str]:
    return [item.fact.id for item in index.facts
            if word_stem in item.stems and item.fact.value.strip().lower() in NEGATIVE_VALUES]


def _tokens(text: str) -> list[tuple[str, int, int, str]]:
    """(comparison key, start, end, token): words by stem, codes and numbers as lowercase text."""
    return [(stem(m.group(0)) if m.group(0).isalpha() else m.group(0).lower(), m.start(), m.end(), m.group(0))
            for m in _TOKEN_RE.finditer(text)]


def renamed(sentence: str, facts: list[Fact]) -> list[FrameClaim]:
    """A capitalised word put in place of one of the product name's words while the name's words stand on both
    sides of it ("ClickSafe Keyed Laptop Lock" for "ClickSafe Combination Laptop Lock"): the copy names another
    product. Words added to the name (nothing of it replaced) or left out of it are not renamings, a lowercase
    word describes rather than names ("USB data transfer cable" for "USB Easy Transfer Cable"), and words a
    fact gives in that order are that fact's ("Konfidence Adult Swim Jackets" from a supplier description)."""
    names = [(f, _tokens(f.value)) for f in facts if _label_stems(f.name) and set(_label_stems(f.name)) <= _NAME_LABELS]
    if not names:
        return []
    copy = _tokens(sentence)
    keys = [key for key, _, _, _ in copy]
    name_keys = {key for _, name in names for key, _, _, _ in name}
    found = []
    for i in range(1, len(copy) - 1):
        key, start, end, token = copy[i]
        if not token.isalpha() or not token[0].isupper() or key in name_keys or key in stopwords() \
                or word_class(token) == "kind" or not _joined(sentence, copy[i - 1 : i + 2]):
            continue
        for fact, name in names:
            j = _replaced(keys, i, [k for k, _, _, _ in name])
            if j is not None and not _stated(keys[i - 1 : i + 2], facts):  # the word and its neighbours
                found.append(FrameClaim(start, end, "brand", token, [],
                                        f"'{token}' takes the place of '{name[j][3]}' in the product's name "
                                        f"({fact.id} {fact.name}: {fact.value})"))
                break
    return found


def _joined(sentence: str, tokens: list[tuple[str, int, int, str]]) -> bool:
    """Words of one phrase: only spaces (or a trademark sign) between them, no punctuation."""
    return all(re.fullmatch(r"[\s®™©]+", sentence[a[2] : b[1]]) for a, b in zip(tokens, tokens[1:]))


def _stated(keys: list[str], facts: list[Fact]) -> bool:
    """Some fact gives these words in this order."""
    size = len(keys)
    for fact in facts:
        text = [k for k, _, _, _ in _tokens(f"{fact.name} {fact.value}")]
        if any(text[n : n + size] == keys for n in range(len(text) - size + 1)):
            return True
    return False


def _replaced(keys: list[str], i: int, name: list[str]) -> int | None:
    """The position of the name word that the copy's word i stands in for, when the name's words around it
    match the copy's (one before, one or more after, three together, two of them content words), or None."""
    for j in range(1, len(name) - 1):
        if name[j - 1] != keys[i - 1] or name[j] in stopwords():
            continue
        after = 0
        while i + 1 + after < len(keys) and j + 1 + after < len(name) and keys[i + 1 + after] == name[j + 1 + after]:
            after += 1
        matched = [keys[i - 1], *keys[i + 1 : i + 1 + after]]
        if after >= 1 and len(matched) >= 3 and sum(k not in stopwords() for k in matched) >= 2:
            return j
    return None


# A fact named as a limit ("Maximum weight capacity", "Battery life (max)", "Minimum ram") states a bound, and
# copy giving its number must say so ("up to 43.5 kg", "max. 10 h", "requires 2 GB"). A capacity alone is a
# size ("Capacity: 350 ml" for a mug), not a limit.
_LIMIT_NAME_RE = re.compile(r"\b(?:max(?:imum)?|min(?:imum)?|limit|up to)\b", re.IGNORECASE)
_LIMIT_COPY_RE = re.compile(r"\b(?:max(?:imum)?|min(?:imum)?|limits?|capacity|up to|at least|at most|no (?:more|less) than|"
                            r"(?:and|or) (?:up|upwards|more|less|fewer|over|above|under|below|older|higher|lower)|"
                            r"from|under|over|above|below|requires?|required|needs?|holds?|supports?|takes?)\b|\+",
                            re.IGNORECASE)


_RANGE_BEFORE = re.compile(r"\d\S{0,2}\s*(?:-|–|to)\s*$")
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|to)\s*\d")


def _in_range(sentence: str, start: int, end: int) -> bool:
    return bool(_RANGE_BEFORE.search(sentence[:start]) or _RANGE_AFTER.search(sentence[end:])
                or re.search(r"\d\s*(?:-|–|to)\s*\d", sentence[start:end]))


def unbounded(sentence: str, index: FactIndex) -> list[FrameClaim]:
    """A measure only facts named as a limit state, in a sentence that says no limit: "Recommended user weight:
    43.5 kg" for a suggested maximum of 43.5 kg. A range ("for 10-30\" screens", "800 - 1500 rpm") gives its
    limits; durations and ages are left alone ("5 hours of play" for a battery life of at most 5 h is how
    copy says it; ages have their own rules)."""
    found = []
    for q in find_quantities(sentence):
        if q.unit is None or q.unit.dimension == "time" or _in_range(sentence, q.start, q.end):
            continue
        support = [i for i in index.facts if i.fact.id and any(same_quantity(q, s) for s in i.quantities)]
        if not support or not all(_LIMIT_NAME_RE.search(i.fact.name) for i in support):
            continue
        if _LIMIT_COPY_RE.search(sentence):
            continue
        stated = "; ".join(f"{i.fact.id} {i.fact.name}: {i.fact.value}" for i in support[:2])
        found.append(FrameClaim(q.start, q.end, "number", q.label, [],
                                f"'{q.label}' is a limit in the facts ({stated}), not said as one"))
    return found

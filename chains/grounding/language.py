"""The line between factual claims and marketing language, as word classes and patterns (data/ beside this).

A content word the facts do not use is a claim unless its class says it has no factual content:
- word_classes.tsv (derived from WordNet by data/build_word_classes.py): abstract nouns ("imagination",
  "party"), people ("fan", "artist"), verbs ("encourage"), adjectives ("cute") and adverbs. Concrete nouns
  ("racket", "whistle": things a box could hold), relational adjectives ("electric", "digital") and words
  the lexicon does not know are not listed, so they stay claims;
- kinds.txt: nouns that name what sort of thing the product is ("toy", "gadget");
- functions.txt and technologies.txt: what a product does ("glows", "sings", "folds") and the technology it
  has ("infrared", "bluetooth") stay claims;
- kind_implies.yaml: what the product's kind implies ("a plush toy is soft", "a kettle boils");
- a noun after "your", "any", "every" is the buyer's world ("on your desk", "any playroom");
- superlatives and comparatives of listed adjectives ("coolest", "greater") are claims (the claims policy).
Also here: catalog labels that claim nothing ("Product Description"), and text that is never copy (model
refusals, placeholders, echoed instructions: data/not_copy.txt).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import yaml

from chains.grounding.vocabulary import DATA_DIR, _entries, stem, words

NO_CLAIM_CLASSES = frozenset({"abstract", "person", "verb", "adjective", "adverb", "kind", "occasion"})
# Classes whose capitalised words are still no names: "this Playset", "for Christmas".
CAPITALISED_CLASSES = frozenset({"kind", "occasion"})


# WordNet's detachment rules (its morphy): an inflected form's possible base forms.
_SUFFIXES = (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
             ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""))


@lru_cache(maxsize=1)
def _classes() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (DATA_DIR / "word_classes.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lemma, kind = line.split("\t")
            table[lemma] = kind
    for line in _entries("kinds.txt"):
        table.update((w, "kind") for w in line.split())
    for name in ("functions.txt", "technologies.txt"):  # claims, so not in the table
        for word in (w for line in _entries(name) for w in line.split()):
            table.pop(word, None)
    return table


def base_forms(lower: str) -> list[str]:
    forms = [lower, re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", lower)]  # British "motorised" -> "motorized"
    forms += [lower[: -len(end)] + base for end, base in _SUFFIXES if lower.endswith(end) and len(lower) > len(end) + 1]
    if lower.endswith("ing") or lower.endswith("ed"):  # doubled consonant: "running" -> "run"
        cut = lower[:-3] if lower.endswith("ing") else lower[:-2]
        if len(cut) > 2 and cut[-1] == cut[-2]:
            forms.append(cut[:-1])
    return forms + [re.sub(r"is(e|ed|es|ing|ation)$", r"iz\1", f) for f in forms[2:]]


@lru_cache(maxsize=8192)
def word_class(word: str) -> str | None:
    """The word's class (see the module docstring), or None for a claim class or an unknown word."""
    lower = word.lower().replace("’", "'")
    if lower.endswith("'s"):
        lower = lower[:-2]
    if degree_form(lower):
        return None
    return next((_classes()[f] for f in base_forms(lower) if f in _classes()), None)


def degree_form(lower: str) -> bool:
    """A superlative or comparative of a listed adjective: "coolest", "largest", "happier", "greater"."""
    for suffix, replacements in (("est", ("", "e", "y")), ("er", ("", "e", "y"))):
        if not lower.endswith(suffix) or len(lower) < len(suffix) + 3:
            continue
        base = lower[: -len(suffix)]
        candidates = [base + r for r in replacements[:2]]
        if base.endswith("i"):
            candidates.append(base[:-1] + "y")
        if len(base) > 2 and base[-1] == base[-2]:
            candidates.append(base[:-1])  # biggest -> big
        if any(_classes().get(c) == "adjective" for c in candidates) and lower not in _classes():
            return True
    return False


def title_case(sentence: str) -> bool:
    """More than three in four content words capitalised ("The Power of a Tough Box"): capitals then say
    nothing about names. "Perfect for any Regular Show fan" (three in four) keeps its names."""
    found = [w for w, _, _ in words(sentence) if len(w) > 2 and w.lower() not in _FUNCTION_WORDS]
    return len(found) >= 2 and sum(w[0].isupper() for w in found) > 0.75 * len(found)


# Words a title leaves lowercase ("The Power of a Tough Box").
_FUNCTION_WORDS = frozenset("and the for with from into onto over under of to in on at by or nor but any".split())


@lru_cache(maxsize=1)
def _kind_implies() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load((DATA_DIR / "kind_implies.yaml").read_text(encoding="utf-8"))
    return {stem(kind): frozenset(stem(w) for w in implied) for kind, implied in raw.items()}


def implied_by_kind(fact_stems: Iterable[str]) -> dict[str, str]:
    """Stems the product's kind implies (kind_implies.yaml) -> the kind's stem in the facts."""
    found: dict[str, str] = {}
    for kind in fact_stems:
        for implied in _kind_implies().get(kind, ()):
            found.setdefault(implied, kind)
    return found


# A noun right after these is the buyer's world ("your desk", "any playroom"), not a part of the product.
BUYERS = frozenset({"your", "any", "every", "their", "our"})


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in _entries("labels.txt"))


def label_spans(sentence: str) -> list[tuple[int, int]]:
    """Catalog labels in the sentence ("Product Description", "Safety Warning")."""
    return [(m.start(), m.end()) for pattern in _labels() for m in pattern.finditer(sentence) if m.end() > m.start()]


@lru_cache(maxsize=1)
def _not_copy() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in _entries("not_copy.txt"))


def not_copy(sentence: str) -> str | None:
    """The refusal, placeholder or instruction the sentence contains, or None."""
    for pattern in _not_copy():
        if m := pattern.search(sentence):
            return m.group(0).strip()
    return None

"""What a reader sees as garble in a line of copy, measured on its surface: words that are not English, broken
brackets and quotes, template placeholders and markup, a sentence cut off, words said again, fusions
("CableBlue", "X9380has"), numbers standing alone, spec-sheet labels, a writer speaking or answering instead of
the copy. Each feature is a number; the fluency gate
(fluency.py) weighs them with the model's surprise by weights fitted in bench/fluency_gate.py.

The English vocabulary is data/vocabulary.txt (scripts/mine_vocabulary.py: the shared catalogs' and style
guides' human text, and pyspellchecker's English word list), read once, never downloaded.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")
VOCABULARY_FILE = DATA_DIR / "vocabulary.txt"

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+(?:[.,]\d+)*")
TOKEN = re.compile(r"\S+")
CONNECTORS = frozenset({"x", "by"})   # words a meant repeat stands across ("16.5 x 16.5")
PAIRS = {"(": ")", "[": "]", "{": "}"}
FINAL = (".", "!", "?", "…", ")", '"', "”", "'")
DANGLING = (":", ",", ";", "-", "–", "—", "/", "(", "&", "+", "|", "*", "#")
CAMEL = re.compile(r"[a-z]{2,}[A-Z][a-z]")   # "CableBlue", not "iPhone" or "McDonald"
GLUED = re.compile(r"^[^\W\d_]{3,}\d|^\d+[^\W\d_]{4,}$")   # "has2", "20pieces"; not "20pcs", "X15", "1m"
LABEL = re.compile(r"(?:^|[\s;|,*-])[A-Z][\w()/ -]{0,40}?:\s")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, frozenset[str]]:
    words = frozenset(line.strip() for line in VOCABULARY_FILE.read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#"))
    data = yaml.safe_load((DATA_DIR / "fluency.yaml").read_text(encoding="utf-8")) or {}
    garble = data.get("garble") or {}
    return {"vocabulary": words, **{key: frozenset(str(w).lower() for w in garble.get(name, []))
                                    for key, name in (("function", "function_words"), ("speaker", "speaker_words"),
                                                      ("opener", "reply_openers"))}}


def known(word: str) -> bool:
    """An English word, or a word that is not meant to be one: acronyms and codes ("USB", "X15", "HMS")."""
    if not word.isalpha() or (word.isupper() and len(word) > 1) or len(word) < 3:
        return True
    lower = word.lower()
    vocabulary = _lexicon()["vocabulary"]
    if lower in vocabulary or lower.replace("'", "") in vocabulary:
        return True
    for suffix in ("s", "es", "'s", "ed", "ing", "ly", "er"):  # inflections of a known stem
        if lower.endswith(suffix) and lower[: -len(suffix)] in vocabulary:
            return True
    return False


def features(text: str) -> dict[str, float]:
    """The surface features of one text (names are the keys of the weights in data/fluency.yaml)."""
    lexicon = _lexicon()
    function = lexicon["function"]
    stripped = text.strip()
    words = WORD.findall(stripped)
    lower = [w.lower() for w in words]
    alpha = [w for w in words if w.isalpha()]
    content = [w for w in lower if w not in function and (len(w) >= 3 or w[:1].isdigit())]
    tokens = TOKEN.findall(stripped)

    unknown = [w for w in alpha if not known(w)]
    repeats = len(content) - len(set(content))
    bigrams = list(zip(lower, lower[1:]))
    last = lower[-1] if lower else ""
    end = stripped[-1:] if stripped else ""
    return {
        "unknown_words": float(len(unknown)),
        "unknown_share": len(unknown) / max(1, len(alpha)),
        "broken_pairs": float(_broken_pairs(stripped)),
        "placeholder_or_markup": float(bool(re.search(r"\[[^\]]*\]|\*\*|^\*|\*$|#|_{2,}|\{|\}", stripped))),
        "dangling_end": float(end in DANGLING),
        "ends_on_function_word": float(bool(last) and last in function and not last.isdigit()),
        "no_final_punctuation": float(bool(end) and end not in FINAL),
        "few_words": float(len(alpha) <= 2),
        "log_words": math.log1p(len(words)),
        "number_share": sum(w[:1].isdigit() for w in words) / max(1, len(words)),
        "repeated_words": float(repeats),
        "repeated_word_share": repeats / max(1, len(content)),
        "repeated_bigrams": float(_repeated_ngrams(lower, function)),
        "adjacent_repeats": float(sum(a == b and a not in ("x", "by") for a, b in zip(lower, lower[1:]))),
        "camel_fusions": float(sum(bool(CAMEL.search(t)) for t in tokens)),
        "glued_digits": float(sum(bool(GLUED.search(t.strip(".,;:!?()"))) for t in tokens)),
        "labels": float(len(LABEL.findall(stripped))),
        "starts_lower": float(bool(stripped[:1]) and stripped[:1].islower()),
        "title_case_share": sum(w[:1].isupper() for w in alpha) / max(1, len(alpha)),
        "function_share": sum(w in function for w in lower) / max(1, len(lower)),
        # listing copy speaks of the product, not of a writer answering someone ("I'm so excited to share",
        # "Hi Max,", "Yes, the product is indeed ...")
        "speaker_words": float(sum(w in lexicon["speaker"] for w in lower)),
        "reply_opener": float(bool(lower) and lower[0] in lexicon["opener"]),
    }


def _repeated_ngrams(words: list[str], function: frozenset[str]) -> int:
    """Runs of two or three words said again later in the text ("Windows XP ... Windows XP", "10 and 100 and 10
    and 100"), each repeat counted. A run that starts or ends on a function word or a connector does not count,
    nor a repeat across "x" or "by" (a square: "36 cm x 36 cm")."""
    found = 0
    for size in (2, 3):
        first: dict[tuple[str, ...], int] = {}
        for i in range(len(words) - size + 1):
            gram = tuple(words[i:i + size])
            if {gram[0], gram[-1]} & (function | CONNECTORS):
                continue
            if gram in first:
                j = first[gram] + size
                found += not (j < len(words) and words[j] in CONNECTORS and words[i - 1] in CONNECTORS)
            else:
                first[gram] = i
    return found


def _broken_pairs(text: str) -> int:
    """Brackets closed before they open or never closed, and quotes left open (an inch mark after a digit,
    9", and an apostrophe inside a word are not quotes)."""
    broken, stack = 0, []
    for ch in text:
        if ch in PAIRS:
            stack.append(PAIRS[ch])
        elif ch in PAIRS.values():
            if stack and stack[-1] == ch:
                stack.pop()
            else:
                broken += 1
    quotes = len(re.findall(r'(?<!\d)"', text))
    curly = text.count("“") - text.count("”")
    return broken + len(stack) + quotes % 2 + abs(curly)

"""Word lists the verifier judges by (chains/grounding/data/*.txt) and the light normalisation every comparison uses.

Words are compared as Snowball stems of their lowercase form, so "balls"/"ball", "Colours"/"colour" and
"measuring"/"measure" meet; the same function runs on the facts and on the copy, so a stemming quirk can
never make one side disagree with the other.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

DATA_DIR = Path(__file__).resolve().parent / "data"

# Letters (with accents and inner apostrophes/hyphens are split off by the caller); digits are the units' job.
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# snowballstemmer's stemmers keep state while stemming a word: one per thread (the bot drafts on a pool).
_LOCAL = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def _entries(name: str) -> list[str]:
    """The file's lines without comments: a comment line starts with "# " (so "#1" is an entry)."""
    lines = (line.strip() for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and line != "#" and not line.startswith("# ")]


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word.strip("'"))


def words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for every run of letters; "RequiredYes" (squashed catalog text) splits in two."""
    found: list[tuple[str, int, int]] = []
    for match in WORD_RE.finditer(text):
        token, start = match.group(0), match.start()
        offset = 0
        for part in _CAMEL.split(token):
            found.append((part, start + offset, start + offset + len(part)))
            offset += len(part)
    return found


def stems_of(text: str) -> set[str]:
    return {stem(word) for word, _, _ in words(text)}


@dataclass(frozen=True)
class SynonymGroup:
    canonical: str
    stems: frozenset[str]


def _synonym_groups(name: str) -> tuple[SynonymGroup, ...]:
    groups = []
    for line in _entries(name):
        members = line.split()
        groups.append(SynonymGroup(canonical=members[0], stems=frozenset(stem(m) for m in members)))
    return tuple(groups)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(stem(w) for line in _entries("stopwords.txt") for w in line.split())


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    return frozenset(stem(w) for line in _entries("generic_words.txt") for w in line.split())


@lru_cache(maxsize=1)
def colours() -> tuple[SynonymGroup, ...]:
    return _synonym_groups("colours.txt")


@lru_cache(maxsize=1)
def materials() -> tuple[SynonymGroup, ...]:
    return _synonym_groups("materials.txt")


@lru_cache(maxsize=1)
def absolutes() -> tuple[str, ...]:
    return tuple(_entries("absolutes.txt"))


@lru_cache(maxsize=1)
def certifications() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in _entries("certifications.txt"))


def group_of(word_stem: str, groups: tuple[SynonymGroup, ...]) -> SynonymGroup | None:
    for group in groups:
        if word_stem in group.stems:
            return group
    return None

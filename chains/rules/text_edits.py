"""Small pure string repairs the rules use: remove phrases cleanly, cut at a word boundary, change case."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

# Pictographic emoji, dingbats, flags, variation selectors and joiners; ™ and ® are not emoji and stay.
EMOJI_RE = re.compile(
    "[\U0001f000-\U0001faff\U0001f1e6-\U0001f1ff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d\u20e3]"
)
_MINOR_WORDS = {"a", "an", "the", "and", "or", "nor", "but", "for", "of", "in", "on", "at", "to", "by", "with",
                "from", "as", "per", "via", "x"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TRAILING_JOINERS = re.compile(r"(?:[\s,;:/|&+\-–—(]+|\s+(?:and|or|with|for|of|in|by|to|the|a|an|&))+$", re.IGNORECASE)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive match of a word or phrase ("#1" and "100%" included)."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    start = r"(?<![\w#])" if phrase[:1].isalnum() or phrase[:1] == "#" else ""
    end = r"(?!\w)" if phrase[-1:].isalnum() else ""
    return re.compile(start + body + end, re.IGNORECASE)


def contains_phrase(text: str, phrase: str) -> bool:
    return bool(phrase.strip()) and phrase_pattern(phrase).search(text) is not None


def remove_phrases(text: str, phrases: Iterable[str]) -> str:
    """Text without the phrases, tidied. A sentence left with fewer than two words ("Free shipping today!"
    -> "today!") is dropped, and a sentence that lost its first word starts with a capital again."""
    ordered = sorted((p for p in phrases if p.strip()), key=len, reverse=True)
    # A comma right after the phrase goes with it: "A cheap, fun toy" -> "A fun toy".
    patterns = [re.compile(phrase_pattern(p).pattern + r"(?:\s*,(?=\s))?", re.IGNORECASE) for p in ordered]
    lines = []
    for line in text.splitlines():
        kept = []
        for sentence in _SENTENCE_END.split(line):
            edited = sentence
            for pattern in patterns:
                edited = pattern.sub("", edited)
            if edited != sentence:
                edited = tidy(edited)
                if len(re.findall(r"\w+", edited)) < 2:
                    continue
                if sentence.strip()[:1].isupper():
                    edited = edited[:1].upper() + edited[1:]
            kept.append(edited)
        lines.append(" ".join(kept))
    return tidy("\n".join(lines))


def tidy(text: str) -> str:
    """Collapse spaces, drop spaces before punctuation, doubled punctuation, empty brackets and dangling joiners."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"[ \t]+", " ", line)
        line = re.sub(r"\(\s*\)|\[\s*\]", "", line)
        line = re.sub(r"\s+([,.;:!?)])", r"\1", line)
        line = re.sub(r"\s+(?:and|or|with|for|of|&)([.;:!?])", r"\1", line, flags=re.IGNORECASE)
        line = re.sub(r"([,;:])\s*(?=[,.;:!?])", "", line)
        line = re.sub(r"\.{2,}", ".", line)
        line = re.sub(r"(^|[.!?]\s)\s*[,;:]\s*", r"\1", line)
        line = re.sub(r"^[\s\-–—,;:]+", "", line)
        lines.append(line.strip())
    return "\n".join(line for line in lines if line)


def cut_at_word(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` characters that ends at a word boundary, no dangling joiner."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else text[:limit]
    return _TRAILING_JOINERS.sub("", cut).strip()


def cut_at_sentence(text: str, limit: int) -> str:
    """Whole sentences within `limit`; if even the first is too long, it is cut at a word and ends with '.'."""
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text.replace("\n", " "))
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    return cut_at_word(text, limit - 1).rstrip(".,;: ") + "."


def strip_emoji(text: str) -> str:
    return tidy(EMOJI_RE.sub("", text))


def title_case(text: str) -> str:
    """Capitalise each word but minor ones (not the first); words with inner capitals or digits stay as written."""
    out = []
    for index, word in enumerate(text.split(" ")):
        if not word or _has_own_case(word):
            out.append(word)
        elif index > 0 and word.lower() in _MINOR_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def sentence_case(text: str, keep: Collection[str] = ()) -> str:
    """First word capitalised; other capitalised words lowercased unless they are names in `keep` or
    acronyms/codes (inner capitals or digits)."""
    keep_lower = {re.sub(r"\W", "", w).lower() for name in keep for w in name.split()}
    out = []
    for index, word in enumerate(text.split(" ")):
        bare = re.sub(r"\W", "", word).lower()
        if index == 0:
            out.append(word[:1].upper() + word[1:])
        elif not word or _has_own_case(word) or bare in keep_lower:
            out.append(word)
        else:
            out.append(word.lower())
    return " ".join(out)


def _has_own_case(word: str) -> bool:
    """USB, iPhone, R1179, 27": a word whose case is not just a leading capital."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    return any(c.isdigit() for c in word) or any(c.isupper() for c in letters[1:])

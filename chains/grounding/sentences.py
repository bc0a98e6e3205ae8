"""Split copy into sentences (the unit the verifier keeps or drops) without breaking "2.5 kg" or "approx. 6 cm"."""

from __future__ import annotations

import re

_ABBREVIATIONS = {"approx", "e.g", "i.e", "eg", "ie", "no", "nos", "vs", "etc", "mr", "mrs", "ms", "dr", "st", "inc",
                  "ltd", "incl", "dims", "max", "min", "ca", "fig", "vol", "pp", "co"}
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital, digit or quote.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[£$€])")
_BULLET_MARK = re.compile(r"\s*[•●▪◦]\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences in order; line breaks and bullet marks also end one."""
    sentences: list[str] = []
    for line in text.splitlines():
        for piece in _BULLET_MARK.split(line):
            sentences.extend(_split_line(piece))
    return [s for s in (s.strip() for s in sentences) if s]


def _split_line(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        before = line[start : match.start()].rstrip("\"')]")
        last_word = re.findall(r"[\w.]+$", before[:-1]) if before.endswith(".") else []
        if last_word and (last_word[0].lower().rstrip(".") in _ABBREVIATIONS or len(last_word[0]) == 1):
            continue
        parts.append(line[start : match.start()] + match.group(0).strip())
        start = match.end()
    parts.append(line[start:])
    return parts

"""Model text that echoes the request instead of answering it. Asked to rewrite one part (prompts/refine.txt), a
small model sometimes copies the request's scaffolding ("Product facts: - Weight: 200 g - ...", "Current
description: ...") or labels its answer ("Rewritten description: Meet the ..."). Such text can be grounded word
by word, and reads as a form, not copy.

The request's own words are read from its template (its labels, and its instruction up to the part's name),
so the check follows the prompt when the prompt changes; the labels an answer puts before itself are data
(data/request_echo.yaml). Like the fluency gate, this is for model text only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from chains.prompts import load_prompt

PARTS = ("title", "bullet", "description")
REQUEST = "refine"  # the template of the polish's and refinement's user turn
DATA_FILE = Path(__file__).resolve().parent / "data" / "request_echo.yaml"


@lru_cache(maxsize=1)
def answer_labels() -> tuple[str, ...]:
    return tuple((yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}).get("answer_labels") or ())


@lru_cache(maxsize=1)
def _request_lines() -> tuple[str, ...]:
    return tuple(line.strip() for line in load_prompt(REQUEST).template.splitlines())


@lru_cache(maxsize=1)
def named_labels() -> tuple[str, ...]:
    """The words of the request's labels that stand before the part's name ("current" of "Current {field}:"),
    lower-case: followed by any one or two words and a colon ("Current product description:") they still
    label the request (not three: "Current prices are low:" could be copy)."""
    before = (line.split("{field}")[0].strip().lower() for line in _request_lines()
              if line.endswith(":") and "{field}" in line)
    return tuple(words for words in before if words)


@lru_cache(maxsize=None)
def request_labels(part: str) -> tuple[str, ...]:
    """The request's own words for `part`, lower-case: its labels without their colon ("product facts", "current
    bullet"), which no copy says, and the start of its instruction up to the part's name ("rewrite the bullet")."""
    found: list[str] = []
    for line in _request_lines():
        if line.endswith(":") and "{" not in line.replace("{field}", ""):
            found.append(line[:-1].replace("{field}", part).lower())
        elif "{change}" in line and "{field}" in line:
            found.append(line[:line.index("{field}")].lower() + part)
    return tuple(found)


def problem(text: str, part: str | None = None) -> str | None:
    """What of the request `text` echoes, or None; `part` None: any part's request."""
    lowered = " ".join(text.lower().split())
    head = lowered.split(":", 1)[0].strip(" *#\"'") if ":" in lowered else None
    named = next((m.group(0) for word in named_labels()
                  if (m := re.match(rf"{re.escape(word)}(?: [\w-]+){{1,2}}:", lowered.strip(" *#\"'")))), None)
    if named:
        return f"echoes the request (“{named}”)"
    for name in (part,) if part else PARTS:
        label = next((label for label in request_labels(name)
                      if re.search(rf"\b{re.escape(label)}\b", lowered)), None)
        if label:
            return f"echoes the request (“{label}”)"
        if head is not None and head in {pattern.format(part=name) for pattern in answer_labels()}:
            return f"labels its answer (“{head}:”)"
    return None

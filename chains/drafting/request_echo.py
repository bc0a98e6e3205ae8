"""Model text that echoes the request instead of answering it. Asked to rewrite one part (prompts/refine.txt), a
small model sometimes copies the request's scaffolding ("Product facts: - Weight: 200 g - ...", "Current
description: ...") or labels its answer ("Rewritten description: Meet the ..."). Such text can be grounded word
by word, and reads as a form, not copy.

The request's own labels are read from its template (its lines that end with ":", with the part's name put in),
so the check follows the prompt when the prompt changes; the labels an answer puts before itself are data
(data/request_echo.yaml). Like the fluency gate, this is for model text only.
"""

from __future__ import annotations

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


@lru_cache(maxsize=None)
def request_labels(part: str) -> tuple[str, ...]:
    """The labels of the request for `part`, lower-case ("product facts:", "current bullet:")."""
    lines = load_prompt(REQUEST).template.splitlines()
    return tuple(line.strip().replace("{field}", part).lower() for line in lines if line.strip().endswith(":"))


def problem(text: str, part: str | None = None) -> str | None:
    """What of the request `text` echoes, or None; `part` None: any part's request."""
    lowered = " ".join(text.lower().split())
    head = lowered.split(":", 1)[0].strip(" *#\"'") if ":" in lowered else None
    for name in (part,) if part else PARTS:
        label = next((label for label in request_labels(name) if label in lowered), None)
        if label:
            return f"echoes the request (“{label}”)"
        if head is not None and head in {pattern.format(part=name) for pattern in answer_labels()}:
            return f"labels its answer (“{head}:”)"
    return None

"""The one fact-free line a draft may carry: praise that fits the product's class and the brand's voice
(data/praise.yaml), chosen by seed. Planner.praise places it at most once per draft, sometimes not at all."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load((DATA_DIR / "praise.yaml").read_text(encoding="utf-8"))


def praise_class(text: str, *, toy: bool, grown_up: bool = False) -> str:
    """The class of product for praise: "toy", "grown_up" (a toy for 12 and up: a costume, a model kit, a board
    game), "cable", "print", ... "general" (text: kind, category, title)."""
    lower = text.lower()
    for name, rule in _data()["classes"].items():
        if rule.get("toy") or rule.get("grown_up"):
            if (toy and rule.get("toy")) or (grown_up and rule.get("grown_up")):
                return name
            continue
        if not rule.get("match") or re.search(rule["match"], lower):
            return name
    return "general"


def praise_lines(voice: str, klass: str) -> list[str]:
    """The voice's lines for the class, else the voice's general lines, else the neutral voice's."""
    lines = _data()["lines"]
    own = lines.get(voice) or {}
    if klass in own:
        return list(own[klass] or [])
    if "general" in own and klass != "toy":
        return list(own["general"] or [])
    neutral = lines["neutral"]
    return list(neutral.get(klass) or neutral["general"])


def praise_share(voice: str) -> float:
    """The share of drafts in this voice that carry a praise line at all."""
    shares = _data().get("share") or {}
    return float(shares.get(voice, shares.get("neutral", 0.7)))

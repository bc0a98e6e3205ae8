"""Brand voice for realized copy: the style guide's tone words pick a voice (data/voices.yaml), and a voice
picks headers, subjects, openers and the fact-free lines. Refinements shift the voice ("warmer" -> warm)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from copydesk.domain import BrandRules

DATA_DIR = Path(__file__).resolve().parent / "data"
VOICES = ("neutral", "playful", "warm", "technical", "formal")


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load((DATA_DIR / "voices.yaml").read_text(encoding="utf-8"))


def voice_for(rules: BrandRules) -> str:
    """The voice of the first tone word the guide lists that names one; "neutral" without tone words."""
    table = _data()["tone_words"]
    for word in rules.tone_words:
        for voice, words in table.items():
            if word.strip().lower() in words:
                return voice
    return "neutral"


def shift(instruction: str) -> str | None:
    """The voice a refinement asks for ("make it warmer" -> "warm"), or None."""
    text = " ".join(instruction.lower().split())
    for phrase, voice in _data()["shifts"].items():
        if phrase in text:
            return voice
    return None


def lines(voice: str, key: str) -> list[str]:
    """The voice's options for one key (falling back to the neutral voice's)."""
    voices = _data()["voices"]
    own = voices.get(voice, {}).get(key)
    return list(own) if own else list(voices["neutral"][key])


def headers(voice: str, theme: str) -> list[str]:
    voices = _data()["voices"]
    own = voices.get(voice, {}).get("headers", {}).get(theme)
    return list(own) if own else list(voices["neutral"]["headers"].get(theme) or voices["neutral"]["headers"]["extra"])

"""Sales-channel profiles (chains/rules/data/channels.yaml) and the effective limits of a brand on a channel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from copydesk.domain import BrandRules
from copydesk.errors import InputError

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ChannelProfile:
    name: str
    title_max: int
    bullet_max: int
    meta_max: int | None
    meta_required: bool
    emoji_allowed: bool
    banned_chars: str
    promotional_phrases: tuple[str, ...]


def _load_channels() -> dict[str, ChannelProfile]:
    raw = yaml.safe_load((DATA_DIR / "channels.yaml").read_text(encoding="utf-8"))
    return {
        name: ChannelProfile(
            name=name,
            title_max=int(spec["title_max"]),
            bullet_max=int(spec["bullet_max"]),
            meta_max=spec.get("meta_max"),
            meta_required=bool(spec.get("meta_required", False)),
            emoji_allowed=bool(spec.get("emoji_allowed", True)),
            banned_chars=str(spec.get("banned_chars") or ""),
            promotional_phrases=tuple(str(p) for p in spec.get("promotional_phrases") or ()),
        )
        for name, spec in raw.items()
    }


CHANNELS: dict[str, ChannelProfile] = _load_channels()


def channel_profile(channel: str) -> ChannelProfile:
    try:
        return CHANNELS[channel]
    except KeyError:
        raise InputError(f"Unknown channel {channel!r}.", hint=f"Use one of: {', '.join(CHANNELS)}.") from None


@dataclass(frozen=True)
class Limits:
    """The effective limits: the stricter of the brand's and the channel's."""

    title_max: int
    bullet_max: int
    bullet_wanted: int | None

    @classmethod
    def of(cls, rules: BrandRules, profile: ChannelProfile) -> "Limits":
        title_max = min(profile.title_max, rules.title_max_length or profile.title_max)
        bullet_max = min(profile.bullet_max, rules.bullet_count or profile.bullet_max)
        return cls(title_max=title_max, bullet_max=bullet_max, bullet_wanted=rules.bullet_count)

"""Brand style rules and sales-channel rules: deterministic repair, then a list of what is still wrong.

Channel profiles are data (chains/data/channels.yaml). `apply_rules` repairs what a rule can repair without
judgement (strip banned characters and emoji, remove promotional phrases and banned words, cut a long title
at a word, drop extra bullets, add a missing required phrase, make the meta description) and leaves the rest
(too few bullets, an empty title...) in `Draft.violations`, which is exactly `check_rules` of the result.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from chains.text_edits import (
    EMOJI_RE,
    contains_phrase,
    cut_at_sentence,
    cut_at_word,
    remove_phrases,
    sentence_case,
    strip_emoji,
    tidy,
    title_case,
)
from copydesk.domain import BrandRules, Draft
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


def apply_rules(draft: Draft, rules: BrandRules, channel: str, *, keep_case: Collection[str] = ()) -> Draft:
    """A repaired copy of the draft; `violations` lists what could not be repaired.
    `keep_case`: names (the product's brand, model) that sentence case must not lowercase."""
    profile = channel_profile(channel)
    limits = Limits.of(rules, profile)
    emoji_ok = rules.emoji == "allow" and profile.emoji_allowed
    banned = [*profile.promotional_phrases, *rules.banned_words]

    def clean(text: str, *, is_title: bool = False) -> str:
        if not emoji_ok:
            text = strip_emoji(text)
        text = _strip_banned_chars(text, profile.banned_chars, is_title=is_title)
        return remove_phrases(text, banned) if banned else tidy(text)

    title = clean(draft.title, is_title=True)
    if rules.capitalisation == "title":
        title = title_case(title)
    elif rules.capitalisation == "sentence":
        title = sentence_case(title, keep_case)
    title = cut_at_word(title, limits.title_max)
    bullets = [b for b in (clean(b) for b in draft.bullets) if b][: limits.bullet_max]
    description = clean(draft.description)
    for phrase in rules.required_phrases:
        whole = " ".join([title, *bullets, description])
        if phrase.strip() and not contains_phrase(whole, phrase):
            description = f"{description} {_as_sentence(phrase)}".strip()
    meta = clean(draft.meta_description) if draft.meta_description else None
    if profile.meta_max is not None:
        if meta is None and profile.meta_required and description:
            meta = description
        if meta is not None:
            meta = cut_at_sentence(meta, profile.meta_max)
    repaired = draft.model_copy(
        update={"title": title, "bullets": bullets, "description": description, "meta_description": meta or None,
                "channel": profile.name}
    )
    return repaired.model_copy(update={"violations": check_rules(repaired, rules, channel)})


def check_rules(draft: Draft, rules: BrandRules, channel: str) -> list[str]:
    """Every brand or channel rule the draft breaks, as sentences a marketer can act on; [] when clean."""
    profile = channel_profile(channel)
    limits = Limits.of(rules, profile)
    problems: list[str] = []
    fields = {"title": draft.title, "description": draft.description, "meta description": draft.meta_description or ""}
    fields.update({f"bullet {i}": b for i, b in enumerate(draft.bullets, start=1)})
    if not draft.title.strip():
        problems.append("The title is empty.")
    if len(draft.title) > limits.title_max:
        problems.append(f"The title has {len(draft.title)} characters; the limit is {limits.title_max}.")
    if len(draft.bullets) > limits.bullet_max:
        problems.append(f"{len(draft.bullets)} bullets; at most {limits.bullet_max} are allowed.")
    if limits.bullet_wanted and len(draft.bullets) < limits.bullet_wanted:
        problems.append(f"{len(draft.bullets)} bullets; the brand asks for {limits.bullet_wanted}.")
    for name, text in fields.items():
        chars = sorted({c for c in text if c in profile.banned_chars})
        if chars:
            problems.append(f"The {name} uses characters {channel} does not allow: {' '.join(chars)}")
        promo = [p for p in profile.promotional_phrases if contains_phrase(text, p)]
        if promo:
            problems.append(f"The {name} uses promotional wording {channel} does not allow: {', '.join(promo)}")
        words = [w for w in rules.banned_words if contains_phrase(text, w)]
        if words:
            problems.append(f"The {name} uses words the brand bans: {', '.join(words)}")
        if EMOJI_RE.search(text) and not (rules.emoji == "allow" and profile.emoji_allowed):
            problems.append(f"The {name} contains emoji.")
    whole = " ".join(fields.values())
    for phrase in rules.required_phrases:
        if phrase.strip() and not contains_phrase(whole, phrase):
            problems.append(f"The brand's required phrase is missing: {phrase!r}")
    if profile.meta_max is not None and draft.meta_description and len(draft.meta_description) > profile.meta_max:
        problems.append(f"The meta description has {len(draft.meta_description)} characters; "
                        f"the limit is {profile.meta_max}.")
    if profile.meta_required and not draft.meta_description:
        problems.append(f"{channel} needs a meta description and the draft has none.")
    if rules.capitalisation == "title" and draft.title and title_case(draft.title) != draft.title:
        problems.append("The title is not in title case.")
    return problems


def _strip_banned_chars(text: str, chars: str, *, is_title: bool) -> str:
    """Titles lose the characters; in running text '!' and '?' end a sentence, so they become '.'."""
    if not chars:
        return text
    if not is_title:
        text = re.sub(r"[!?]+(?=\s|$)", ".", text) if "!" in chars or "?" in chars else text
    return text.translate({ord(c): " " for c in chars})


def _as_sentence(phrase: str) -> str:
    phrase = phrase.strip()
    return phrase if phrase[-1:] in ".!?" else phrase + "."

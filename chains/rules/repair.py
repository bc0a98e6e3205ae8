"""Brand and channel rules, repaired deterministically: every change is recorded in `Draft.repairs`.

`apply_rules` repairs what a rule can repair without judgement (strip banned characters and emoji,
remove promotional phrases and banned words, cut a long title at a word, drop extra bullets, add a
missing required phrase, make the meta description) and says what it changed; what it cannot repair
(too few bullets, an empty title...) is left in `Draft.violations`, from the independent checks.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from chains.rules.channels import Limits, channel_profile
from chains.rules.checks import check_rules
from chains.rules.text_edits import (
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


def apply_rules(draft: Draft, rules: BrandRules, channel: str, *, keep_case: Collection[str] = ()) -> Draft:
    """A repaired copy of the draft. `repairs` says what changed; `violations` lists what could not be repaired.
    `keep_case`: names (the product's brand, model) that sentence case must not lowercase."""
    profile = channel_profile(channel)
    limits = Limits.of(rules, profile)
    emoji_ok = rules.emoji == "allow" and profile.emoji_allowed
    banned = [*profile.promotional_phrases, *rules.banned_words]
    repairs: list[str] = []

    def clean(text: str, where: str, *, is_title: bool = False) -> str:
        if not emoji_ok and strip_emoji(text) != text:
            text = strip_emoji(text)
            repairs.append(f"removed emoji from the {where}")
        stripped = _strip_banned_chars(text, profile.banned_chars, is_title=is_title)
        if stripped != text:
            removed = sorted({c for c in text if c in profile.banned_chars})
            repairs.append(f"removed {' '.join(removed)} from the {where} ({profile.name} does not allow them)")
        found = [p for p in banned if contains_phrase(stripped, p)]
        for phrase in found:
            kind = "promotional phrase" if phrase in profile.promotional_phrases else "banned word"
            repairs.append(f"removed {kind} {phrase!r} from the {where}")
        return remove_phrases(stripped, found) if found else tidy(stripped)

    title = clean(draft.title, "title", is_title=True)
    if rules.capitalisation == "title" and title_case(title) != title:
        title = title_case(title)
        repairs.append("title set in title case")
    elif rules.capitalisation == "sentence" and sentence_case(title, keep_case) != title:
        title = sentence_case(title, keep_case)
        repairs.append("title set in sentence case")
    if len(title) > limits.title_max:
        title = cut_at_word(title, limits.title_max)
        repairs.append(f"title cut to {limits.title_max} characters")
    bullets = [b for b in (clean(b, f"bullet {i}") for i, b in enumerate(draft.bullets, 1)) if b]
    if len(bullets) > limits.bullet_max:
        repairs.append(f"dropped {len(bullets) - limits.bullet_max} bullet(s) over the limit of {limits.bullet_max}")
        bullets = bullets[: limits.bullet_max]
    description = clean(draft.description, "description")
    for phrase in rules.required_phrases:
        whole = " ".join([title, *bullets, description])
        if phrase.strip() and not contains_phrase(whole, phrase):
            if len(phrase.split()) < 3 and phrase.strip()[-1:] not in ".!?":
                # A fragment ("Suitable for") appended alone reads as junk copy ("Suitable for."): it stays a
                # violation for the marketer (and the realizer) to place in a sentence.
                continue
            description = f"{description} {_as_sentence(phrase)}".strip()
            repairs.append(f"added the brand's required phrase {phrase!r} to the description")
    meta = clean(draft.meta_description, "meta description") if draft.meta_description else None
    if profile.meta_max is not None:
        if meta is None and profile.meta_required and description:
            meta = description
        if meta is not None and len(meta) > profile.meta_max:
            meta = cut_at_sentence(meta, profile.meta_max)
    repaired = draft.model_copy(
        update={"title": title, "bullets": bullets, "description": description, "meta_description": meta or None,
                "channel": profile.name, "repairs": [*draft.repairs, *dict.fromkeys(repairs)]}
    )
    return repaired.model_copy(update={"violations": check_rules(repaired, rules, channel)})


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

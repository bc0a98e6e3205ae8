"""Independent rule checks: every brand or channel rule a draft breaks.

Kept apart from the repairs (repair.py) so that evaluation counts violations with code that did not
make the draft: a repair cannot hide its own miss.
"""

from __future__ import annotations

from chains.rules.channels import Limits, channel_profile
from chains.rules.text_edits import EMOJI_RE, contains_phrase, title_case
from copydesk.domain import BrandRules, Draft


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

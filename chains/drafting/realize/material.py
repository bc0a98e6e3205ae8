"""The supplier's own description as material: a copywriter reuses the supplier's marketing where it is
sound. Sentences of the catalog description (a fact, when the draft may use it) that are clean, verified and
benefit-led may open the description paragraph. Never used when the description is left out of the facts
(evaluation against that very description does so)."""

from __future__ import annotations

import re

from chains.drafting.realize.planner import Material
from chains.grounding import GroundingVerifier, split_sentences
from copydesk.domain import Fact

MAX_SENTENCES = 2
_BENEFIT = re.compile(r"\b(you|your|yours|perfect|ideal|great|fun|enjoy\w*|delight\w*|help\w*|easy|easily|"
                      r"favourite|imagination|adventure|creative|learn\w*|gift)\b", re.I)
# Not copy: labels, the seller speaking, shouting, marketplace talk, lists and fragments.
_NOT_COPY = re.compile(r":|\b(we|our|us|seller|shipping|delivery|postage|stock|price|buy now|click|visit|"
                       r"warranty|guarantee|please)\b|!{2,}|https?://|www\.|[£$€]|\.\.|^\s*-|\d+x\b", re.I)
_SHOUTING = re.compile(r"\b[A-Z]{5,}\b|[a-z][A-Z]|[a-z] The\b|^(He|She|They|His|Her|Their)\b")  # shouting, run-ons, who?


def material(facts: list[Fact], verifier: GroundingVerifier) -> Material | None:
    description = next((f for f in facts if f.name == "Description"), None)
    if description is None:
        return None
    chosen: list[str] = []
    for sentence in split_sentences(description.value):
        text = " ".join(sentence.split())
        if not (40 <= len(text) <= 200) or not text[:1].isupper() or not text.endswith((".", "!")):
            continue
        if _NOT_COPY.search(text) or _SHOUTING.search(text) or not _BENEFIT.search(text):
            continue
        if verifier.check_text(text, "description").dropped:
            continue
        chosen.append(text.rstrip("!") + ("." if text.endswith("!") else ""))
        if len(chosen) == MAX_SENTENCES:
            break
    return Material(tuple(chosen), description.id) if chosen else None

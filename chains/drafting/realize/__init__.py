"""Realization: a product's facts -> a listing draft that reads like copy (title, 3-5 themed bullets, a
description in short paragraphs) in a brand's voice and a channel's style, verified as it is made.
Patterns and voices are data (data/items.yaml, data/voices.yaml); families and units come from
retrieval.knowledge."""

from __future__ import annotations

import random
import zlib

from chains.drafting.realize.material import material
from chains.drafting.realize.naming import Naming, naming
from chains.drafting.realize.phrases import items_for, product_is_toy
from chains.drafting.realize.planner import Planner
from chains.drafting.realize.praise import praise_class
from chains.drafting.realize.title import make_title
from chains.drafting.realize.voice import VOICES, shift, voice_for
from chains.grounding import GroundingVerifier
from chains.rules import Limits, apply_rules, channel_profile, cut_at_sentence
from copydesk.domain import BrandRules, Draft, Fact, Product

__all__ = ["LENGTHS", "VOICES", "keep_case", "realize_draft", "shift", "voice_for"]

LENGTHS = ("short", "normal", "long")
META_MAX_CHARS = 160


def realize_draft(
    product: Product,
    facts: list[Fact],
    rules: BrandRules,
    channel: str,
    *,
    voice: str | None = None,
    seed: int = 0,
    length: str = "normal",
    verifier: GroundingVerifier | None = None,
) -> Draft:
    """The realized draft (origin "template": made without the model), with the channel's and brand's rules
    applied. `voice`: one of VOICES (default: from the brand's tone words); `seed` picks among the
    realizations of each pattern; `length`: short | normal | long."""
    voice = voice or voice_for(rules)
    verifier = verifier or GroundingVerifier(product, facts, allowed_texts=rules.required_phrases)
    rng = random.Random(zlib.crc32(f"{product.sku}:{seed}:{voice}".encode()))
    names = naming(product)
    items = items_for(product, facts, rng, voice)
    profile = channel_profile(channel)
    limits = Limits.of(rules, profile)
    toy = product_is_toy(product)
    age = next((i.extra.get("age") for i in items if i.kind == "age"), None)
    grown_up = age is not None and age.unit == "years" and float(age.low) >= 12  # a costume for 16+: not "for kids"
    klass = praise_class(names.kind or product.category or product.title, toy=toy and not grown_up,
                         grown_up=toy and grown_up)
    planner = Planner(names, items, verifier, voice, rng, toy=toy, channel=channel, praise_class=klass,
                      material=material(facts, verifier), adjective=supply_adjective(product),
                      labels=frozenset(f.name for f in facts))
    wanted = rules.bullet_count or {"short": 3, "normal": 5, "long": 5}[length]
    bullets, bullet_ids = planner.bullets(max(1, min(wanted, limits.bullet_max)))
    opener = bullets[0].split(": ", 1)[-1].split(" – ", 1)[-1] if bullets else ""
    paragraphs, description_ids = planner.description(length, bullet_opener=opener.split(". ")[0].rstrip(".") + ".")
    description = "\n".join(paragraphs)
    title = make_title(product, names, items, facts, limits.title_max)
    if not verifier.check_title(title).text:  # an attribute the verifier will not take in a title: the name alone
        title = make_title(product, names, [], facts, limits.title_max)
    meta = cut_at_sentence(paragraphs[0], META_MAX_CHARS) if profile.meta_max else None
    draft = Draft(
        sku=product.sku,
        channel=channel,  # type: ignore[arg-type]  # checked by channel_profile above
        title=title,
        bullets=bullets,
        description=description,
        meta_description=meta,
        facts_used=sorted(bullet_ids | description_ids, key=lambda i: int(i[1:]) if i[1:].isdigit() else 10**6),
        origin="template",
    )
    return apply_rules(draft, rules, channel, keep_case=keep_case(product, names))


def keep_case(product: Product, names: Naming | None = None) -> list[str]:
    """Names that sentence-casing must leave alone: the brand, the model and the product's own name and range
    ("Thomas the Tank Engine & Friends: Lord Harry"), not the kind or the attributes ("train set", "silver")."""
    names = names or naming(product)
    return [name for name in (product.brand, product.model, names.name, names.line) if name]


def supply_adjective(product: Product) -> str:
    """"original" or "compatible": how Icecat's Type tells a maker's own supplies from third-party ones."""
    value = (product.attributes.get("Type") or "").strip().lower()
    return value if value in {"original", "compatible"} else ""

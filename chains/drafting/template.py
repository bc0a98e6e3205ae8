"""Phase 1: deterministic listing drafts made only of the product's facts (patterns in
chains/drafting/data/template_sentences.yaml). The fallback when no model candidate passes verification, and a
baseline in evaluation. Facts are quoted verbatim, so a template draft passes the verifier as it is."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chains.grounding import fact_order
from chains.drafting.key_facts import fact_weight, is_yes_no, key_facts
from chains.rules import apply_rules, channel_profile
from chains.grounding import split_sentences
from chains.rules import cut_at_sentence, cut_at_word
from copydesk.domain import BrandRules, Draft, Fact, Product

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "template_sentences.yaml").read_text(encoding="utf-8"))


def product_kind(product: Product) -> str:
    """"toys", "electronics" or "generic", from the category and the attribute names."""
    category = (product.category or "").lower()
    names = {name.lower() for name in product.attributes}
    for kind, spec in _patterns()["categories"].items():
        keywords = spec.get("category_keywords") or []
        if any(k in category for k in keywords) or names & set(spec.get("attribute_names") or []):
            return kind
    return "generic"


def template_draft(product: Product, facts: list[Fact], rules: BrandRules, channel: str) -> Draft:
    """A complete draft (origin="template"), with the brand's and channel's rules applied."""
    kind = product_kind(product)
    bullets, bullet_facts = _bullets(product, facts)
    description, description_facts = _description(product, facts, kind, bullet_facts)
    profile = channel_profile(channel)
    meta = cut_at_sentence(description, _patterns()["meta_max_chars"]) if profile.meta_max else None
    draft = Draft(
        sku=product.sku,
        channel=channel,  # type: ignore[arg-type]  # checked by channel_profile above
        title=_title(product, rules, channel),
        bullets=bullets,
        description=description,
        meta_description=meta,
        facts_used=sorted({*bullet_facts, *description_facts, *_ids(facts, "Product")}, key=fact_order),
        origin="template",
    )
    keep = [w for w in (product.brand or "", product.model or "") if w]
    return apply_rules(draft, rules, channel, keep_case=keep)


def _title(product: Product, rules: BrandRules, channel: str) -> str:
    title = product.title.strip()
    if product.brand and product.brand.lower() not in title.lower():
        title = f"{product.brand} {title}"
    limit = min(channel_profile(channel).title_max, rules.title_max_length or 10**6)
    return cut_at_word(title, limit)


def _bullets(product: Product, facts: list[Fact]) -> tuple[list[str], list[str]]:
    """Up to max_bullets bullets, each joining the facts of one topic, most informative topics first."""
    config = _patterns()
    candidates = [f for f in facts if fact_weight(f) is not None and f.name.lower() not in {"brand", "model"}]
    used: set[str] = set()
    groups: list[list[Fact]] = []
    for topic in config["bullet_topics"]:
        group = [f for f in candidates if f.id not in used and _matches(f, topic["keywords"])][: topic["max_facts"]]
        if group:
            groups.append(group)
            used.update(f.id for f in group)
    # Products with few topical facts: the remaining key facts one per bullet.
    for fact in key_facts(product, facts, limit=12):
        if len(groups) >= config["min_bullets"]:
            break
        if fact.id not in used:
            groups.append([fact])
            used.add(fact.id)
    groups.sort(key=lambda g: -max(fact_weight(f) or 0 for f in g))
    groups = groups[: config["max_bullets"]]
    bullets = [config["bullet_join"].join(config["bullet_pattern"].format(name=f.name, value=_shown(f)) for f in g)
               for g in groups]
    return bullets, [f.id for g in groups for f in g]


def _description(product: Product, facts: list[Fact], kind: str, bullet_facts: list[str]) -> tuple[str, list[str]]:
    config = _patterns()
    values = {"title": product.title.strip(), "brand": product.brand or "", "kind": product.category or ""}
    opening = config["opening"][kind] if product.brand else config["opening_without_brand"]
    parts = [opening.format(**values)]
    used = _ids(facts, "Product") + (_ids(facts, "Brand") if product.brand else [])
    catalog = [f for f in facts if f.name == "Description"]
    if catalog:
        kept = cut_at_sentence(" ".join(split_sentences(catalog[0].value)), config["description_max_chars"])
        if kept:
            parts.append(kept if kept[-1] in ".!?" else kept + ".")
            used.append(catalog[0].id)
    for fact in key_facts(product, facts, limit=12):
        if sum(len(p) + 1 for p in parts) >= config["description_min_chars"]:
            break
        if fact.name.lower() in {"brand", "model"} or is_yes_no(fact) or fact.id in used:
            continue
        parts.append(config["fact_sentence"].format(name_lower=fact.name.lower(), value=fact.value.rstrip(".")))
        used.append(fact.id)
    return " ".join(parts), used


def _shown(fact: Fact) -> str:
    """A fact's value as a bullet shows it: a category path by its last step ("... > Bedsheets")."""
    return fact.value.rsplit(" > ", 1)[-1] if " > " in fact.value else fact.value


def _matches(fact: Fact, keywords: list[str]) -> bool:
    name = fact.name.lower()
    return any(k in name for k in keywords)


def _ids(facts: list[Fact], name: str) -> list[str]:
    return [f.id for f in facts if f.name == name]

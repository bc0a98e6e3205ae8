"""Titles: brand, name and model, then the one or two attributes people put in titles most (rates mined from
the shared catalogs' human-written titles), in the channel's pattern. Facts' labels never appear in a title."""

from __future__ import annotations

import re
from collections import Counter

from chains.drafting.realize.naming import Naming
from chains.drafting.realize.phrases import Item
from chains.rules import cut_at_word
from copydesk.domain import Fact, Product
from retrieval.knowledge import title_rate

MAX_ATTRIBUTES = 2
MAX_REPEATS = 2  # Amazon: no word more than twice
_SHORT_TITLE = 70  # a catalog title longer than this already carries its specs (Icecat builds titles from them)


def title_phrase(item: Item) -> str | None:
    if item.title:
        return item.title
    if item.kind == "colour" and len(item.obj) <= 20:
        return item.obj.title()
    if item.kind == "scale":
        return f"{item.obj.split()[0]} Scale"
    if item.kind == "players":
        return item.obj.title()
    return None


def make_title(product: Product, naming: Naming, items: list[Item], facts: list[Fact], limit: int) -> str:
    base = " ".join(product.title.split())
    if naming.brand and naming.brand.lower() not in base.lower():
        base = f"{naming.brand} {base}"
    if product.model and product.model.lower() not in base.lower() and len(product.model) <= 20 \
            and re.search(r"\d", product.model):
        base = f"{base} {product.model}"
    names = {f.id: f.name for f in facts}
    phrases: list[str] = []
    if len(base) <= _SHORT_TITLE:
        ranked = sorted((i for i in items if title_phrase(i)),
                        key=lambda i: -max(title_rate(names.get(fid, "")) for fid in i.fact_ids) - i.weight / 1000)
        for item in ranked:
            phrase = title_phrase(item)
            if phrase and phrase.lower() not in base.lower() and not _numbers_in(phrase) & _numbers_in(base):
                phrases.append(phrase)
            if len(phrases) == MAX_ATTRIBUTES:
                break
    title = ", ".join([base, *phrases]) if phrases else base
    return cut_at_word(without_repeats(title), limit)


def without_repeats(title: str) -> str:
    """Words after their second use are dropped (Amazon allows no word more than twice)."""
    counts: Counter[str] = Counter()
    kept = []
    for word in title.split(" "):
        key = re.sub(r"\W", "", word.lower())
        counts[key] += 1
        if key and len(key) > 1 and counts[key] > MAX_REPEATS:
            continue
        kept.append(word)
    return re.sub(r"\s+,", ",", " ".join(kept)).strip(" ,")


def _numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))

"""Titles: brand, name and model, the kind, then the attributes people put in titles most (rates mined from the
shared catalogs' human-written titles), in the channel's pattern: "HP Pavilion dv7-1211ea 17-inch Notebook,
Intel Core 2 Duo P7450, 4 GB RAM, 250 GB HDD, Silver". Facts' labels never appear in a title. A seller's
human-written title is kept as the base when it reads as a name (not a spec dump); a model code inside it moves
to the model slot. Amazon's rules hold: at most 200 characters, no word more than twice."""

from __future__ import annotations

import re
from collections import Counter

from chains.drafting.realize.naming import Naming, model_code, unshout
from chains.drafting.realize.phrases import Item
from chains.rules import cut_at_word
from copydesk.domain import Fact, Product
from retrieval.knowledge import title_rate

MAX_ATTRIBUTES = 4
MAX_REPEATS = 2  # Amazon: no word more than twice
_HUMAN_TITLE = 110  # a catalog title longer than this, or one with a unit after its name, is a spec dump
_SPEC_TITLE = re.compile(r"\d\s?(GB|MB|GHz|MHz|Mbit/s|cm|mm|pixels|W|V)\b|pc\(s\)|®|™")
_ASIDE = re.compile(r"\s*[([][^)\]]*(import|package|new|toy|written|retired)[^)\]]*[)\]]", re.I)


def title_phrase(item: Item) -> str | None:
    """How an item reads in a title ("4 GB RAM", "Ages 8+", "Pack of 6"); None for items titles leave out."""
    if item.title:
        return item.title
    obj = item.obj
    if item.kind == "processor":  # "an Intel Core 2 Duo P7450 processor at 2.13 GHz" -> "Intel Core 2 Duo P7450"
        if item.verb == "runs at":
            return obj
        return re.sub(r"^an? | processor.*$", "", obj).strip() or None if re.match(r"an? ", obj) else None
    if item.kind == "memory":
        return re.sub(r" of .*$", "", obj) + " RAM"
    if item.kind == "storage":
        return re.sub(r"^an? ", "", obj).replace(" of storage", " Storage")
    if item.kind == "yield":
        pages = re.match(r"[\d,]+ pages", obj)
        return pages.group(0).replace("pages", "Pages") if pages else None
    if item.kind in {"colour", "multicolour"} and len(obj) <= 20:
        return obj.title()
    if item.kind == "scale":
        return f"{obj.split()[0]} Scale"
    if item.kind == "players":
        return obj.title()
    if item.kind == "cable" and re.match(r"[\d.]+ m\b", obj):
        return obj.split(" long")[0]
    return None


def make_title(product: Product, naming: Naming, items: list[Item], facts: list[Fact], limit: int) -> str:
    names = {f.id: f.name for f in facts}
    base = human_base(product, naming)
    phrases: list[str] = []
    screen = next((i for i in items if i.kind == "screen"), None)
    if base is None:  # rebuilt: "HP Pavilion dv7-1211ea 17-inch Notebook"
        size = re.match(r"an? ([\d.]+-inch)", screen.obj).group(1) if screen and re.match(r"an? [\d.]+-inch", screen.obj) else ""
        kind = " ".join(w[:1].upper() + w[1:] for w in naming.kind.split()) if naming.kind and not naming.kind_in_name else ""
        adjective = (product.attributes.get("Type") or "").strip().title()
        adjective = adjective if adjective in {"Original", "Compatible"} and kind else ""
        model = naming.model if naming.model and naming.model.lower() not in naming.full.lower() else ""
        base = " ".join(w for w in (naming.full, model, size, adjective, kind) if w)
    ranked = sorted((i for i in items if title_phrase(i) and i.kind not in {"screen"}),
                    key=lambda i: (i.kind in {"colour", "multicolour"}, -max(title_rate(names.get(fid, "")) for fid in i.fact_ids),
                                   -i.weight))
    for item in ranked:
        phrase = title_phrase(item)
        if phrase and phrase.lower() not in base.lower() and not _numbers_in(phrase) & _numbers_in(base) \
                and len(", ".join([base, *phrases, phrase])) <= min(limit, 150):
            phrases.append(phrase)
        if len(phrases) == MAX_ATTRIBUTES:
            break
    title = ", ".join([base, *phrases]) if phrases else base
    return cut_at_word(without_repeats(title), limit)


def human_base(product: Product, naming: Naming) -> str | None:
    """The seller's own title as a name ("Hornby Santa's Express Train Set"), its model code moved to the end
    and asides dropped ("(Japan import / ...)"); None when the title is a spec dump to rebuild."""
    title = unshout(" ".join(re.sub(r"\s*\(\d+\)", "", _ASIDE.sub("", product.title)).split()).rstrip(" .,;"))  # "(7)"
    if len(title) > _HUMAN_TITLE or _SPEC_TITLE.search(title) or naming.title_kind:
        return None
    model = model_code(product) or _item_number(product)
    if model:
        words = title.split()
        inside = [w for w in words[2:-1] if re.sub(r"[^0-9a-z]", "", w.lower()) == re.sub(r"[^0-9a-z]", "", model.lower())]
        if inside:  # "Chuggington Interactive Lc55020Uk Speedy Mcallister"; "Hornby R1151 ..." keeps its code
            title = " ".join(w for w in words if w not in inside)
        if model.lower() not in title.lower():
            title = f"{title} {model}"
    brand_words = re.findall(r"\w+", (naming.brand or "").lower())
    if brand_words and naming.brand.lower() not in title.lower() and not any(w in title.lower().split() for w in brand_words):
        title = f"{naming.brand} {title}"
    return title


def _item_number(product: Product) -> str | None:
    """A numeric model ("4113", "5350-04"): the item number sellers put in toy titles."""
    model = (product.model or "").strip()
    return model if re.fullmatch(r"[\d][\d./-]{2,15}", model) else None


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
    return set(re.findall(r"\d+(?:\.\d+)?", text.replace(",", "")))


"""What to call the product in copy: its name (without the brand where copy says the brand apart), a short
name for later sentences, and its kind ("toner cartridge", "train set") from the product type, the category
or the catalog title's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chains.drafting.realize import values as v
from copydesk.domain import Product

_CUT = re.compile(r"\s+[-–|]\s+|\s*\(|,\s|\s/\s|;\s")
_LOWER_RUN = re.compile(r"(?<![\w-])((?:[a-z][a-z-]{2,}\s){0,3}[a-z][a-z-]{3,})(?![\w-])")
_NOT_KINDS = {"others", "other", "toys", "games", "accessories", "original", "compatible", "with", "and", "for",
              "black", "white", "silver", "grey", "blue", "red", "green", "yellow", "cyan", "magenta", "pcs",
              "new", "retired", "import", "package", "manual", "written", "toy", "year", "years", "month", "day",
              "next", "business", "onsite", "hardware", "support", "warranty"}
_NO_BRAND = {"generic", "unbranded", "unknown", "n/a", "na", "none"}
_MAX_NAME_WORDS = 8


@dataclass(frozen=True)
class Naming:
    name: str  # "Santa's Express Train Set" (the brand said apart as "from Hornby")
    short: str  # for a bullet's first sentence
    kind: str | None  # "train set", "toner cartridge"
    brand: str | None
    full: str  # brand + name, for titles


def naming(product: Product) -> Naming:
    brand = (product.brand or "").strip() or None
    if brand and brand.lower() in _NO_BRAND:
        brand = None
    title = " ".join(_unshout(w) for w in product.title.split())
    kind, from_title = _kind(product, title)
    name = _name(title, kind if from_title else None)
    bare = _without_brand(name, brand)
    full = name if brand is None or brand.lower() in name.lower() else f"{brand} {name}"
    short = bare if len(bare.split()) <= 5 else " ".join(bare.split()[:5])
    if kind and len(bare.split()) <= 1 and brand:  # "006R90321" alone reads badly: "the Xerox 006R90321"
        bare = f"{brand} {bare}"
        short = bare
    return Naming(name=bare, short=short, kind=kind, brand=brand, full=full)


def _name(title: str, kind: str | None) -> str:
    """The title up to its kind, a dash, bracket or comma (catalog titles run on with specs)."""
    name = title
    if kind:
        match = re.search(rf"\b{re.escape(kind)}\b", title, re.IGNORECASE)
        if match and len(title[: match.start()].split()) >= 2:
            name = title[: match.start()].strip()
    parts = _CUT.split(name, maxsplit=1)
    if len(parts[0].split()) >= 2:
        name = parts[0]
    words = name.split()[:_MAX_NAME_WORDS]
    while len(words) > 2 and words[-1].lower() in {"with", "and", "for", "of", "in", "the", "a", "&", "-"}:
        words.pop()
    return " ".join(words).rstrip(" ,:;-–")


def _unshout(word: str) -> str:
    """"PERSONALISED" -> "Personalised"; codes and short acronyms ("LED", "R1151") stay."""
    return word.title() if len(word) > 4 and word.isalpha() and word.isupper() else word


def _without_brand(name: str, brand: str | None) -> str:
    if brand and name.lower().startswith(brand.lower() + " ") and len(name.split()) - len(brand.split()) >= 2:
        return name[len(brand):].strip()
    return name


def _kind(product: Product, title: str) -> tuple[str | None, bool]:
    """The kind, and whether the catalog title can be cut at it (a specs-built title: "HP ... Notebook Silver ...")."""
    declared = product.attributes.get("Product type") or ""
    if declared:
        return v.lower_value(re.sub(r"\s*\([^)]*\)", "", declared)).strip() or None, True
    leaf = (product.category or "").rsplit(">", 1)[-1].strip()
    if leaf and leaf.lower() not in _NOT_KINDS and "&" not in leaf and not re.search(r"\d", leaf) \
            and len(leaf.split()) <= 2 and product.category != product.attributes.get("Product type"):
        singular = " ".join(v.ENGINE.singular_noun(w) or w for w in leaf.lower().split())
        inside = re.search(rf"\b{re.escape(singular)}\b(\s+\w+)?", title, re.IGNORECASE)
        if inside:  # "Trains" for "... Train Set": the title's own words ("train set")
            return inside.group(0).lower(), False
        return singular, False
    if product.category:
        return None, False
    for match in _LOWER_RUN.finditer(title):  # Icecat titles: "Xerox 006R90321 toner cartridge Original ..."
        words = [w for w in match.group(1).split() if w not in _NOT_KINDS]
        if words and len(" ".join(words)) >= 4:
            return " ".join(words), True
    return None, False

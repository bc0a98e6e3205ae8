"""Facts -> phrases: each fact the knowledge graph puts in a family becomes an `Item`, a verb phrase copy can
say about the product ("weighs 1.2 kg", "is for ages 3 and up", "works with 212 models, including ...").

Frames are data (data/items.yaml), several per kind, chosen by seed. A fact no frame fits becomes a plain
"name: value" item, which the planner uses at most once per draft.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from chains.drafting.key_facts import fact_weight
from chains.drafting.realize import values as v
from copydesk.domain import Fact, Product
from retrieval.knowledge import lookup

DATA_DIR = Path(__file__).resolve().parent / "data"
IDENTITY = {"Product", "Brand", "Model", "Category", "Description"}
# Family -> the bullet theme it belongs to.
TOY_THEMES = {"connectivity": "play", "performance": "play", "compatibility": "play"}
THEMES = {"age_safety": "audience", "contents": "contents", "size": "build", "weight": "build", "colour": "look",
          "material": "look", "power": "power", "connectivity": "connectivity", "compatibility": "compatibility",
          "capacity": "capacity", "performance": "performance", "care": "care", "identity": "identity", "other": "extra"}
# Toy attributes that only make sense for some products (Amazon fills "Track gauge: G" for an advent calendar).
_ONLY_FOR = {"scale": r"model|train|rail|scale|car|vehicle|kit|figure|plane|ship|tank|locomotive",
             "track gauge": r"train|rail|locomotive|track|gauge", "engine type": r"train|rail|locomotive|car|vehicle|engine",
             "maximum user weight": r"ride|chair|seat|stool|bed|bike|scooter|trampoline|swing|rocker|slide"}
_GAUGES = {"oo", "00", "ho", "h0", "n", "o", "g", "tt", "z", "1"}


@dataclass
class Item:
    theme: str
    kind: str
    fact_ids: list[str]
    verb: str  # items with the same verb are said together: "has 4 USB ports and Bluetooth"
    obj: str
    weight: int
    title: str | None = None  # a phrase for the title ("Ages 3+", "352 Pieces")
    label: str = ""  # the plain "Name: value" form
    extra: dict = field(default_factory=dict)

    @property
    def vp(self) -> str:
        return f"{self.verb} {self.obj}".strip()


@lru_cache(maxsize=1)
def frames() -> dict:
    return yaml.safe_load((DATA_DIR / "items.yaml").read_text(encoding="utf-8"))


def items_for(product: Product, facts: list[Fact], rng: random.Random) -> list[Item]:
    """Every fact that copy may say, as items, most important first."""
    context = f"{product.title} {product.category or ''}".lower()
    by_name = {f.name.lower(): f for f in facts}
    out: list[Item] = []
    batteries = [f for f in facts if "batter" in f.name.lower() and "capacity" not in f.name.lower()
                 and "technology" not in f.name.lower() and "voltage" not in f.name.lower()]
    if batteries and product_is_toy(product):
        item = _batteries(batteries, rng)
        if item:
            out.append(item)
    done = {f.id for f in batteries} if product_is_toy(product) else set()
    for item in composites(by_name, rng):
        out.append(item)
        done |= set(item.fact_ids)
    for fact in facts:
        if fact.id in done or fact.name in IDENTITY:
            continue
        weight = fact_weight(fact)
        if weight is None:
            continue
        only = _ONLY_FOR.get(fact.name.lower())
        if only and not re.search(only, context):
            continue
        item = realize_fact(fact, weight, rng, by_name)
        if item is not None:
            out.append(item)
    if product_is_toy(product):  # a toy's remote control or indoor use is about play, not connectivity
        for item in out:
            item.theme = TOY_THEMES.get(item.theme, item.theme)
    seen: set[str] = set()
    unique = []
    for item in sorted(out, key=lambda i: -i.weight):
        if item.vp.lower() not in seen:
            seen.add(item.vp.lower())
            unique.append(item)
    return unique


def composites(by_name: dict[str, Fact], rng: random.Random) -> list[Item]:
    """Facts said together because a reader expects them together: a processor with its speed, memory
    with its type, storage with its medium, width x depth x height."""
    out: list[Item] = []

    def get(*names: str) -> Fact | None:
        return next((by_name[n] for n in names if n in by_name and not v.no(by_name[n].value)), None)

    family, model, speed = get("processor family"), get("processor model"), get("processor frequency")
    if family or model:
        parts = [f for f in (family, model) if f]
        words = " ".join(dict.fromkeys(" ".join(f.value for f in parts).split()))
        obj = v.article(f"{words} processor")
        if speed and (shown := v.measure(speed.name, speed.value)):
            obj += f" at {shown}"
            parts.append(speed)
        out.append(Item("performance", "processor", [f.id for f in parts], "has", obj, 60))
    memory, memory_type = get("internal memory", "ram"), get("internal memory type", "memory type")
    if memory and (shown := v.measure(memory.name, memory.value)):
        kind = f" {memory_type.value}" if memory_type else ""
        ids = [memory.id] + ([memory_type.id] if memory_type else [])
        out.append(Item("performance", "memory", ids, "has", f"{shown} of{kind} memory", 55))
    storage, medium = get("total storage capacity", "hdd capacity", "ssd capacity"), get("storage media")
    if storage and (shown := v.measure(storage.name, storage.value)):
        ids = [storage.id] + ([medium.id] if medium else [])
        out.append(Item("performance", "storage", ids, "has", v.article(f"{shown} {medium.value if medium else 'drive'}")
                        if medium else f"{shown} of storage", 52))
    sides = [get(n) for n in ("width", "depth", "height")]
    if all(sides):
        shown = [v.measure(f.name, f.value) for f in sides]  # type: ignore[union-attr]
        units = {s.split()[-1] for s in shown if s}
        if all(shown) and len(units) == 1:
            numbers = " x ".join(s.split()[0] for s in shown if s)
            out.append(Item("build", "dimensions", [f.id for f in sides if f], rng.choice(frames()["dimensions"]),
                            f"{numbers} {units.pop()} (width x depth x height)", 28))
    return out


def realize_fact(fact: Fact, weight: int, rng: random.Random, by_name: dict[str, Fact]) -> Item | None:
    info = lookup(fact.name, fact.value)
    if not info.shown:
        return None
    name, value = fact.name.lower(), fact.value.strip()
    theme = THEMES.get(info.family, "extra")
    f = frames()
    pick = lambda kind: rng.choice(f[kind])  # noqa: E731
    label = f"{fact.name}: {value}"

    def item(kind: str, obj: str, *, verb_kind: str | None = None, title: str | None = None, **extra) -> Item:
        chosen = verb_kind or kind
        verb = "has" if chosen == "has" else (pick(chosen) if chosen in f else "")
        return Item(theme, kind, [fact.id], verb, obj, weight, title, label, extra)

    if info.family == "age_safety" and "age" in name:
        age = v.age(value)
        if age is None:
            return None
        title = f"Ages {age.low}+" if age.high is None and age.unit == "years" else None
        return item("age", age.phrase(), title=title, age=age)
    if v.no(value) or value.lower() in {"na", "n/a", "not available"}:
        return None  # a "no" says nothing worth a line (batteries and assembly are handled apart)
    if "assembly" in name:
        return item("assembly", "") if v.yes(value) else None
    if v.yes(value):
        if info.family not in {"connectivity", "performance", "power", "age_safety", "contents"}:
            return None
        noun, verb = _feature_noun(fact.name)
        return item("feature", noun, verb_kind=verb) if noun else None
    if info.family == "identity":
        return None
    if info.unitless == "count":
        return _count(fact, info, weight, theme, label, rng)
    shown = v.measure(fact.name, value)
    if shown is None:
        return None
    if info.family == "weight":
        return item("weight", shown)
    if info.family == "size" and re.search(r"dimension|^size$", name) and re.search(r"\d", value):
        return item("dimensions", v.dimensions(shown))
    if "cable length" in name or "cord length" in name:
        return item("cable", v.article(f"{shown} cable"), verb_kind="has")
    if info.family == "size" and ("screen" in info.readable or "diagonal" in name):
        return item("screen", v.article(f"{shown} screen"), verb_kind="has", title=None)
    if name == "scale":
        return item("scale", f"{value} scale")
    if "gauge" in name:
        return item("gauge", f"{value} gauge") if value.lower() in _GAUGES else None
    if info.family == "colour":
        colours = [v.lower_value(c) for c in v.items(value)]
        return item("colour", v.join(colours)) if colours else None
    if info.family == "material":
        return item("material", v.lower_value(re.sub(r"\b100% ", "", value)) if "%" in value else v.lower_value(value))
    if info.family == "compatibility":
        return _compatibility(fact, weight, theme, label, rng)
    if "page yield" in info.readable or name.endswith("yield"):
        return item("yield", shown)
    if "engine" in name:
        return item("engine", v.article(f"{v.lower_value(value)} engine"), verb_kind="has")
    if "educational" in name:
        return item("learning", v.lower_value(value).replace(" & ", " and "))
    if "radio control suitability" in name or name in {"indoor", "outdoor"}:
        return item("where", f"{v.lower_value(value)} play")
    if "remote control type" in name:
        return item("feature", v.article(f"{v.lower_value(value)} remote control"), verb_kind="has")
    if "players" in name:
        return item("players", f"{value} players")
    if name in {"languages", "language"}:
        manuals = [m.rsplit(" ", 1)[0] for m in v.items(value) if m.lower().endswith(" manual")]
        return item("language", f"{v.join(manuals)} manuals", verb_kind="has") if len(manuals) > 1 else None
    if info.family == "care" and not re.search(r"\d", value):
        return item("care", v.lower_value(value).rstrip("."))
    if re.search(r"\d", shown) and info.unit:  # a figure with a unit: "a processor speed of 2.13 GHz"
        return item("figure", f"{v.article(info.readable)} of {shown}", verb_kind="has")
    if re.search(r"cache type|charging port|bus type|codename|stepping|socket", name):
        return None  # said better with the figure it qualifies, or not at all
    if info.family in {"performance", "connectivity", "power"} and len(value) <= 60:
        head = _kind_word(info.readable)
        phrase = value if head.lower() in value.lower() else f"{value} {head}"
        return item("spec", v.article(phrase.strip()), verb_kind="has", plain=f"{info.readable} {value}")
    if len(value) <= 80:
        return Item("extra", "label", [fact.id], "", value, weight - 10, None, label)
    return None


def _count(fact: Fact, info, weight: int, theme: str, label: str, rng: random.Random) -> Item | None:
    number = re.match(r"^\s*(\d+)", fact.value)
    if not number:
        return None
    n = int(number.group(1))
    name = info.readable
    if "per pack" in name or "pack of" in name:
        return Item("contents", "pack", [fact.id], rng.choice(frames()["pack"]), f"a pack of {n}", weight,
                    f"Pack of {n}" if n > 1 else None, label) if n > 1 else None
    noun = re.sub(r"\b(number of|quantity|qty)\b", "", name).strip() or info.noun or "items"
    if "installed" in noun or "per" in noun.split():
        return None
    if n <= 1 and re.search(r"piece", noun):
        return None  # "1 piece" says nothing
    words = noun.split()
    last = v.ENGINE.singular_noun(words[-1]) or words[-1]
    noun = " ".join([*words[:-1], last if n == 1 else v.ENGINE.plural_noun(last)])
    title = f"{n} {noun.title()}" if "piece" in noun and n > 1 else None
    if "piece" in noun:
        noun = "pieces" if n > 1 else "piece"
    return Item(theme, "count", [fact.id], rng.choice(frames()["has"]), f"{n} {noun}", weight, title, label)


def _compatibility(fact: Fact, weight: int, theme: str, label: str, rng: random.Random) -> Item:
    models = v.items(fact.value)
    if len(models) > 3:
        obj = f"{len(models)} models, including {v.join(models[:2])}"
    else:
        obj = v.join(models)
    return Item(theme, "compatibility", [fact.id], rng.choice(frames()["compatibility"]), obj, weight, None, label,
                {"count": len(models)})


def _batteries(facts: list[Fact], rng: random.Random) -> Item | None:
    """"Batteries required: No" -> "needs no batteries"; "1 AA batteries required" + "included: No" ->
    "runs on 1 AA battery (not included)"."""
    by = {f.name.lower(): f for f in facts}
    required = by.get("batteries required")
    included = by.get("batteries included")
    detail = by.get("batteries")
    ids = [f.id for f in facts]
    weight = max((fact_weight(f) or 0) for f in facts)
    if detail is not None:
        match = re.search(r"(\d+)\s*([A-Z]{1,3}\d?)\s*batter", detail.value, re.IGNORECASE)
        if match:
            n, size = int(match.group(1)), match.group(2).upper()
            noun = v.ENGINE.plural_noun("battery", n)
            tail = ""
            if included is not None:
                tail = ", included" if v.yes(included.value) else " (not included)"
            elif "(included)" in detail.value.lower():
                tail = ", included"
            return Item("power", "batteries", ids, rng.choice(frames()["batteries"]), f"{n} {size} {noun}{tail}",
                        weight, None, f"Batteries: {detail.value}")
    if required is not None and v.no(required.value):
        return Item("power", "no_batteries", ids, "", rng.choice(frames()["no_batteries"]), weight, None,
                    "Batteries required: No")
    if required is not None and v.yes(required.value) and included is not None:
        obj = "batteries, included" if v.yes(included.value) else "batteries (not included)"
        return Item("power", "batteries", ids, rng.choice(frames()["batteries"]), obj, weight, None,
                    f"Batteries required: {required.value}")
    return None


_ODD_FEATURES = re.compile(r"plug and play|drivers|manual|box|colour|parity|bit$|technology|capable|status", re.I)


def _feature_noun(name: str) -> tuple[str, str]:
    """A yes-feature as a noun phrase and its verb: ("Bluetooth", "has"), ("a built-in microphone", "has"),
    ("a power cord", "comes with") for "Power cord included"."""
    if _ODD_FEATURES.search(name):
        return "", ""
    text = re.sub(r"\s*\([^)]*\)", "", name)
    verb = "has"
    if re.search(r"\bincluded\b", text, re.I):
        text, verb = re.sub(r"\s*\bincluded\b", "", text, flags=re.I), "comes with"
    text = " ".join(w if any(c.isupper() for c in w[1:]) or w.isupper() else w.lower() for w in text.split())
    if re.search(r"\bintegrated\b", text):
        text = "integrated " + re.sub(r"\s*\bintegrated\b", "", text).strip()
    elif re.search(r"\bbuilt in\b", text):
        text = "built-in " + re.sub(r"\s*\bbuilt in\b", "", text).strip()
    if not text or len(text) > 40:
        return "", ""
    return (text if text[:1].isupper() else v.article(text)), verb


def _kind_word(readable: str) -> str:
    """The head noun a spec value needs: "Processor family: Intel Core 2 Duo" -> "processor"."""
    if "graphics" in readable:
        return "graphics"
    words = [w for w in readable.split() if w not in {"family", "model", "type", "series", "name", "technology"}]
    return words[-1] if words else ""


def product_is_toy(product: Product) -> bool:
    if any(name.lower().startswith("recommended age") for name in product.attributes):
        return True
    return bool(re.search(r"\b(toys?|games?|hobb\w*|puzzles?|figures?|dolls?|play\w*|kids|children|baby|costumes?|"
                          r"fancy dress|craft\w*|beads?)\b", (product.category or "").lower()))

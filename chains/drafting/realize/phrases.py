"""Facts -> phrases: each fact the knowledge graph puts in a family becomes an `Item`, a verb phrase copy can
say about the product ("weighs 1.2 kg", "is for ages 3 and up", "works with 212 models, including ...").

Frames are data: attribute-specific ones first (data/specs.yaml), then the family's (data/items.yaml), several
per kind, chosen by seed. A fact no frame fits is left to the facts panel: copy never says "its <label> is <value>".
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
from chains.drafting.realize.specs import certifications, connectors, fill, pick, sized_pairs, spec_for
from copydesk.domain import Fact, Product
from retrieval.knowledge import lookup, title_rate

DATA_DIR = Path(__file__).resolve().parent / "data"
IDENTITY = {"Product", "Brand", "Model", "Category", "Description"}
# Family -> the bullet theme it belongs to.
TOY_THEMES = {"connectivity": "play", "performance": "play", "compatibility": "play"}
THEMES = {"age_safety": "standards", "contents": "contents", "size": "build", "weight": "build", "colour": "look",
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
def _frames() -> dict:
    return yaml.safe_load((DATA_DIR / "items.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def frames(voice: str = "neutral") -> dict:
    """The frames of each kind, a voice's own verbs first (data/items.yaml)."""
    raw = _frames()
    return {**{k: v for k, v in raw.items() if k != "voices"}, **(raw.get("voices") or {}).get(voice, {})}


def items_for(product: Product, facts: list[Fact], rng: random.Random, voice: str = "neutral") -> list[Item]:
    """Every fact that copy may say, as items, most important first (in the voice's verbs)."""
    context = f"{product.title} {product.category or ''}".lower()
    by_name = {f.name.lower(): f for f in facts}
    out: list[Item] = []
    batteries = [f for f in facts if "batter" in f.name.lower() and "capacity" not in f.name.lower()
                 and "technology" not in f.name.lower() and "voltage" not in f.name.lower()]
    if batteries and product_is_toy(product):
        item = _batteries(batteries, rng, voice)
        said = " ".join([context, *(f"{f.name} {f.value}" for f in facts if f not in batteries)]).lower()
        if item and (item.kind != "no_batteries" or re.search(frames(voice)["maybe_powered"], said)):
            out.append(item)
    done = {f.id for f in batteries} if product_is_toy(product) else set()
    for item in composites(by_name, rng, voice, is_processor=bool(re.search(r"\bprocessor\b", context)
                                                                  and "Processor frequency" in product.attributes
                                                                  and not re.search(r"notebook|pc|server|desktop|laptop", context))):
        out.append(item)
        done |= set(item.fact_ids)
    if any(i.kind == "dimensions" for i in out):  # width x depth x height said once
        done |= {f.id for f in facts if f.name.lower().startswith("dimensions")}
    joined = connectors(by_name)
    if joined:
        out.append(Item("connectivity", "connectors", joined[1], "has", joined[0], 45))
        done |= set(joined[1])
    for thing, size, ids in sized_pairs(by_name):  # "64.6 x 33.8 mm labels"
        noun = v.ENGINE.plural_noun(thing)
        out.append(Item("build", "pair", ids, "has", f"{size} {noun}" if thing in {"label", "sheet", "card", "page"}
                        else f"{v.article(size)} {thing}", 38))
        done |= set(ids)
    certified = certifications(facts)
    if certified:
        out.append(Item("standards", "certification", certified[1], "", certified[0], 20))
        done |= set(certified[1])
    said_names: set[str] = set()
    for fact in facts:
        if fact.id in done or fact.name in IDENTITY:
            continue
        base = re.sub(r"\s*\(.*?\)", "", fact.name).strip().lower()  # "Maximum internal memory (64 bit)"
        if base in said_names:
            continue
        weight = fact_weight(fact)
        if weight is None:
            continue
        weight = _importance(fact.name, weight)
        only = _ONLY_FOR.get(fact.name.lower())
        if only and not re.search(only, context):
            continue
        item = realize_fact(fact, weight, rng, by_name, context, voice)
        if item is not None:
            out.append(item)
            said_names.add(base)
    out = _merge_colours(out)
    if any(i.obj.endswith(" finish") for i in out):  # "has a matte finish and is finished in white": one "finish"
        for i in out:
            if i.kind == "colour" and "finish" in i.verb:
                i.verb = "comes in"
    if product_is_toy(product):  # a toy's remote control or indoor use is about play, not connectivity
        for item in out:
            item.theme = TOY_THEMES.get(item.theme, item.theme)
    seen: set[str] = set()
    unique = []
    for item in sorted(out, key=lambda i: -i.weight):
        # one phrase per wording, per figure name ("a maximum load of" twice) and per measure said
        keys = {item.vp.lower(), f"{item.kind}:{item.obj.lower()}",
                *(f"figure:{item.extra['readable']}" for _ in [0] if "readable" in item.extra),
                *(f"measure:{m}" for m in re.findall(r"\d[\d,.]*\s?[A-Za-z/²]+", item.obj) if item.kind == "figure")}
        said_inside = item.kind == "feature" and any(re.sub(r"^an? ", "", item.obj) in other.obj
                                                       for other in out if other is not item and other.obj != item.obj)
        if not keys & seen and not said_inside:  # "a remote control" beside "a wired remote control"
            seen |= keys
            unique.append(item)
    return unique


def _same_value(by_name: dict[str, Fact], fact: Fact, names: tuple[str, ...]) -> list[str]:
    """Other facts saying the same value under another name ("HDD capacity" beside "Total storage capacity")."""
    return [by_name[n].id for n in names if n in by_name and by_name[n] is not fact and by_name[n].value == fact.value]


def _merge_colours(items: list[Item]) -> list[Item]:
    """Colour facts said once: "comes in silver and white", not "comes in silver and is finished in white"; a
    colour a cartridge "prints in" is not said again as its finish."""
    colours = [i for i in items if i.kind == "colour"]
    if not colours:
        return items
    printed = next((i for i in items if i.verb == "prints in"), None)
    words: list[str] = []
    for item in colours:
        words += [w.strip() for w in re.split(r",| and ", item.obj) if w.strip() and w.strip() not in words]
    ids = [fid for i in colours for fid in i.fact_ids]
    rest = [i for i in items if i.kind != "colour"]
    if printed is not None and all(w in printed.obj for w in words):
        printed.fact_ids = list(dict.fromkeys(printed.fact_ids + ids))
        return rest
    first = colours[0]
    return [*rest, Item(first.theme, "colour", ids, first.verb, v.join(words), max(i.weight for i in colours),
                        first.title, first.label, first.extra)]


def _importance(name: str, weight: int) -> int:
    """How early copy says a fact: its key-fact weight, plus how often people put it in titles (mined), less the
    weight key_facts gives any "... type" name ("Optical drive type" is not the product's type)."""
    lower = name.lower()
    if re.search(r"\btype\b", lower) and lower not in {"type", "product type"}:
        weight -= 35
    return weight + round(40 * title_rate(name))


def composites(by_name: dict[str, Fact], rng: random.Random, voice: str = "neutral", *,
               is_processor: bool = False) -> list[Item]:
    """Facts said together because a reader expects them together: a processor with its speed, memory
    with its type, storage with its medium, width x depth x height."""
    out: list[Item] = []

    def get(*names: str) -> Fact | None:
        return next((by_name[n] for n in names if n in by_name and not v.no(by_name[n].value)), None)

    family, model, speed = get("processor family"), get("processor model"), get("processor frequency")
    if family or model:
        parts = [f for f in (family, model) if f]
        words = " ".join(dict.fromkeys(w for f in parts for w in f.value.split() if "xxx" not in w.lower()))
        obj = v.article(f"{words} processor")
        shown = v.measure(speed.name, speed.value) if speed else None
        if shown:
            obj += f" at {shown}"
            parts.append(speed)  # type: ignore[arg-type]
        if is_processor:  # the product is the processor: "runs at 3.33 GHz", not "has a ... processor"
            if family:
                out.append(Item("performance", "processor", [f.id for f in (family, model) if f], "belongs to",
                                f"the {family.value} family", 61))
            if shown:
                out.append(Item("performance", "processor", [speed.id], "runs at", shown, 60))  # type: ignore[union-attr]
        else:
            out.append(Item("performance", "processor", [f.id for f in parts], "has", obj,
                            _importance("processor model", 60)))
    memory, memory_type = get("internal memory", "ram"), get("internal memory type", "memory type")
    if memory and (shown := v.measure(memory.name, memory.value)):
        kind = f" {memory_type.value}" if memory_type else ""
        ids = [memory.id] + ([memory_type.id] if memory_type else []) + _same_value(by_name, memory, ("ram",))
        out.append(Item("performance", "memory", ids, "has", f"{shown} of{kind} memory", _importance(memory.name, 55)))
    storage, medium = get("total storage capacity", "hdd capacity", "ssd capacity"), get("storage media")
    if storage and (shown := v.measure(storage.name, storage.value)):
        ids = [storage.id] + ([medium.id] if medium else []) + _same_value(by_name, storage, ("hdd capacity", "ssd capacity"))
        out.append(Item("performance", "storage", ids, "has", v.article(f"{shown} {medium.value if medium else 'drive'}")
                        if medium else f"{shown} of storage", _importance(storage.name, 52)))
    sides = [get(n) for n in ("width", "depth", "height")]
    flat = [get("width"), get("height")]
    if all(flat) and not sides[1]:  # a sheet or a panel: "measures 100 x 150 mm"
        shown = [v.measure(f.name, f.value) for f in flat]  # type: ignore[union-attr]
        if all(shown) and len({s.split()[-1] for s in shown if s}) == 1:
            out.append(Item("build", "dimensions", [f.id for f in flat if f], rng.choice(frames(voice)["dimensions"]),
                            f"{' x '.join(s.split()[0] for s in shown if s)} {shown[0].split()[-1]}", 28))  # type: ignore[union-attr]
    if all(sides):
        shown = [v.measure(f.name, f.value) for f in sides]  # type: ignore[union-attr]
        units = {s.split()[-1] for s in shown if s}
        if all(shown) and len(units) == 1:
            numbers = " x ".join(s.split()[0] for s in shown if s)
            out.append(Item("build", "dimensions", [f.id for f in sides if f], rng.choice(frames(voice)["dimensions"]),
                            f"{numbers} {units.pop()} (width x depth x height)", 28))
    return out


def realize_fact(fact: Fact, weight: int, rng: random.Random, by_name: dict[str, Fact], context: str = "",
                 voice: str = "neutral") -> Item | None:
    number = re.match(r"\s*(-?\d+(?:\.\d+)?)(?:\s|$)", fact.value)  # "2.13 GHz": the unit of 2.13, by its size
    info = lookup(fact.name, number.group(1) if number else fact.value)
    bare = re.fullmatch(r"\s*-?\d+(?:\.\d+)?\s*", fact.value)
    if not info.copy or info.family == "logistics" or (info.unitless == "hidden" and (bare or not number)
                                                        and not re.search(r"\d\s*x\s*\d", fact.value)):
        return None  # "hidden": a bare number with no known unit is never said ("480 x 234" is not bare)
    name, value = fact.name.lower(), fact.value.strip()
    theme = THEMES.get(info.family, "extra")
    f = frames(voice)
    pick = lambda kind: rng.choice(f[kind])  # noqa: E731  # one of a kind's frames
    label = f"{fact.name}: {value}"

    def item(kind: str, obj: str, *, verb_kind: str | None = None, title: str | None = None, **extra) -> Item:
        chosen = verb_kind or kind
        verb = "has" if chosen == "has" else (pick(chosen) if chosen in f else chosen if verb_kind else "")
        return Item(theme, kind, [fact.id], verb, obj, weight, title, label, extra)

    if info.family == "age_safety" and "age" in name:
        age = v.age(value)
        if age is None:
            return None
        title = f"Ages {age.low}+" if age.high is None and age.unit == "years" else None
        return item("age", age.phrase(), title=title, age=age)
    if v.no(value) or value.lower() in {"na", "n/a", "not available"}:
        return None  # a "no" says nothing worth a line (batteries and assembly are handled apart)
    spec = spec_for(fact.name, value)
    if spec is not None:
        return _from_spec(spec, fact, info, weight, theme, label, rng)
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
        return _count(fact, info, weight, theme, label, rng, voice)
    shown = v.measure(fact.name, value)
    if shown is None:
        return None
    if info.family == "weight":
        if re.search(r"g/m|gsm", shown):  # paper's grammage: "has a weight of 265 g/m²", never "weighs 265 g/m²"
            return item("figure", f"a weight of {shown}", verb_kind="has", readable="paper weight")
        return item("weight", shown)
    if info.family == "size" and re.search(r"dimension|^size$", name) and re.search(r"\d", value):
        said = v.dimensions(shown)  # "40 x 29.8 x 8 cm"; an x-group without a unit is never said
        return item("dimensions", said) if re.search(r"\d\s*x\s*\d.*[a-z\"]\s*$", said, re.I) else None
    if "cable length" in name or "cord length" in name:
        if re.search(r"cable|cord", context):  # a cable's own length: "is 1.8 m long"
            return item("cable", f"{shown} long", verb_kind="is")
        return item("cable", v.article(f"{shown} cable"), verb_kind="has")
    if info.family == "size" and "compatib" in name:
        return None  # "Screen size compatibility: 15/17" is not the product's display ("has a 15/17 display")
    if info.family == "size" and ("screen" in info.readable or "diagonal" in name):
        inches = re.fullmatch(r'([\d.]+)\s*(?:"|in)', shown)  # 17" -> "a 17-inch screen"
        return item("screen", v.article(f"{inches.group(1)}-inch display" if inches else f"{shown} display"),
                    verb_kind="has", title=None)
    if name == "scale":
        return Item("scale", "scale", [fact.id], pick("scale"), f"{value} scale", weight, None, label)
    if "gauge" in name:
        return Item("scale", "gauge", [fact.id], pick("gauge"), f"{value} gauge", weight, None, label) \
            if value.lower() in _GAUGES else None
    if info.family == "colour":
        colours = [v.lower_value(c) for c in v.items(value)]
        if len(colours) == 1 and re.fullmatch(r"multi(-?)colou?r(?:ed|s)?", colours[0]):  # not "comes in multicoloured"
            hyphen = re.fullmatch(r"multi(-?).*", colours[0]).group(1)  # type: ignore[union-attr]
            return Item(theme, "multicolour", [fact.id], "is", f"multi{hyphen}coloured", weight, None, label)
        return item("colour", v.join(colours)) if colours else None
    if info.family == "material":
        if len(value) > 30 or len(value.split()) > 3 or value.isupper():
            return None  # "four strands twisted PU imitated leather thong cord": a description, not a material
        return item("material", v.lower_value(re.sub(r"\b100% ", "", value)) if "%" in value else v.lower_value(value))
    if info.family == "compatibility":
        return None if re.search(r"https?://|www\.", value) else _compatibility(fact, weight, theme, label, rng, voice)
    if ("page yield" in info.readable or name.endswith("yield")) and re.match(r"\s*[\d,.]+", shown):
        return item("yield", shown)  # not the yield's footnote ("prints up to 480 pages and ISO/IEC 24711")
    if "engine" in name:
        return item("engine", v.article(f"{v.lower_value(value)} engine"), verb_kind="has")
    if "educational" in name:
        said = v.lower_value(value).replace(" & ", " and ")
        return None if said in {"play", "toy", "toys", "fun"} else item("learning", said)
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
    if re.search(r"\d", shown) and info.unit and shown.endswith(info.unit):  # "a processor speed of 2.13 GHz"
        return item("figure", f"{v.article(_proper(info.readable))} of {shown}", verb_kind="has", readable=info.readable)
    if re.search(r"cache type|charging port|bus type|codename|stepping|socket", name):
        return None  # said better with the figure it qualifies, or not at all
    if info.family in {"performance", "connectivity", "power"}:
        phrase = _spec_phrase(info.readable, value)
        return item("spec", phrase, verb_kind="has") if phrase else None
    return None  # no frame fits: the facts panel shows it, copy does not say "its <label> is <value>"


_VERBS = ("comes with", "is made for", "works with", "runs on", "takes", "prints in", "uses")


def _from_spec(spec, fact: Fact, info, weight: int, theme: str, label: str, rng: random.Random) -> Item | None:
    if spec.skip:
        return None
    theme = spec.theme or theme
    for kind, verb, options in (("spec", "has", spec.has), ("said", "", spec.says), ("care", "", spec.line)):
        for option in pick(options, rng):
            text = fill(option, fact, info).rstrip(".")
            if not text:
                continue
            lead = next((p for p in _VERBS if kind == "said" and text.startswith(p + " ")), "")
            if lead:  # "comes with X" and "comes with Y" are said as "comes with X and Y"
                return Item(theme, kind, [fact.id], lead, text[len(lead) + 1:], weight, None, label)
            return Item(theme, kind, [fact.id], verb, text, weight, None, label)
    return None


_PROPER = {"ethernet": "Ethernet", "bluetooth": "Bluetooth", "wi-fi": "Wi-Fi", "windows": "Windows", "intel": "Intel",
           "gigabit": "Gigabit", "mac": "Mac", "hdmi": "HDMI", "usb": "USB", "pci": "PCI", "express": "Express",
           "esata": "eSATA", "firewire": "FireWire", "nfc": "NFC", "gps": "GPS", "vga": "VGA", "dvi": "DVI"}
_UNCOUNTED = {"Bluetooth", "Wi-Fi", "NFC", "GPS", "Ethernet", "Ethernet LAN", "Gigabit Ethernet"}


def _proper(text: str) -> str:
    """Names written as their makers write them in a readable attribute name ("ethernet LAN" -> "Ethernet LAN")."""
    return " ".join(_PROPER.get(w, w) for w in text.split())


_SPEC_HEADS = {"interface", "chipset", "controller", "antenna", "sensor", "tuner", "codec", "display", "screen",
               "keyboard", "drive", "processor", "graphics", "connector", "port", "socket", "battery", "adapter", "panel",
               "backlight", "webcam", "camera", "microphone", "speaker", "lens", "engine", "motor"}


_MASS_HEADS = {"graphics"}


def _spec_phrase(readable: str, value: str) -> str:
    """A short spec value as a noun phrase with its head noun ("Interface: Fibre Channel" -> "a Fibre Channel
    interface"); "" when the value or the name does not make one (lists, long values, "supported" or "type"
    names, which read as "a DDR4-SDRAM types" or "a Cable source")."""
    if len(value) > 30 or re.search(r"[,;@\n(]|\d+\s*-\s*\d", value):
        return ""
    head = _kind_word(readable)
    if head not in _SPEC_HEADS:  # "a Server card", "a Fiber medium", "a Cable source": heads that make no phrase
        return ""
    phrase = value if head.lower() in value.lower() else f"{value} {head}"
    if head in _MASS_HEADS:  # "Intel graphics", never "an Intel graphics"
        return _proper(phrase.strip())
    return _proper(v.article(phrase.strip()))


def _count(fact: Fact, info, weight: int, theme: str, label: str, rng: random.Random, voice: str) -> Item | None:
    number = re.match(r"^\s*(\d+)", fact.value)
    if not number:
        return None
    n = int(number.group(1))
    name = info.readable
    if "per pack" in name or "pack of" in name:
        return Item("contents", "pack", [fact.id], rng.choice(frames(voice)["pack"]), f"a pack of {n}", weight,
                    f"Pack of {n}" if n > 1 else None, label) if n > 1 else None
    noun = re.sub(r"\b(number of|quantity|qty)\b", "", name).strip() or info.noun or "items"
    if re.search(r"\b(installed|supported|included|required|compatible|maximum|max)\b", noun) or "per" in noun.split():
        return None  # "1 batteries supported": not a thing the product has
    if n <= 1 and re.search(r"piece|cartridge", noun):
        return None  # "1 piece" says nothing
    if re.match(r"[\d.]", noun):
        return None  # "6 2.5 bays": the size belongs to the noun, and copy cannot say it right
    if re.fullmatch(r"players?", noun.strip()):  # "is for 2 players", never "has 2 players" among the contents
        return Item("play", "count", [fact.id], "is for", f"{n} {v.ENGINE.plural_noun('player', n)}", weight, None, label)
    words = noun.split()
    last = v.ENGINE.singular_noun(words[-1]) or words[-1]
    noun = " ".join([*words[:-1], last if n == 1 else v.ENGINE.plural_noun(last)]).replace("built in", "built-in")
    title = f"{n} Pieces" if "piece" in noun and n >= 10 else None
    if "piece" in noun:
        noun = "pieces" if n > 1 else "piece"
    return Item(theme, "count", [fact.id], rng.choice(frames(voice)["has"]), f"{v.grouped(str(n))} {_proper(noun)}", weight,
                title, label)


def _compatibility(fact: Fact, weight: int, theme: str, label: str, rng: random.Random, voice: str) -> Item:
    models = v.items(fact.value)
    if len(models) > 3:
        obj = f"{len(models)} models, including {v.join(models[:2])}"
    else:
        obj = v.join(models)
    return Item(theme, "compatibility", [fact.id], rng.choice(frames(voice)["compatibility"]), obj, weight, None, label,
                {"count": len(models)})


def _batteries(facts: list[Fact], rng: random.Random, voice: str) -> Item | None:
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
            batteries = f"{n} {size} {v.ENGINE.plural_noun('battery', n)}"
            inside = v.yes(included.value) if included is not None else ("(included)" in detail.value.lower() or None)
            if inside:  # "comes with 2 AA batteries included", not "takes 2 AA batteries, included"
                return Item("power", "batteries", ids, rng.choice(frames(voice)["batteries_included"]),
                            f"{batteries} included", weight, None, f"Batteries: {detail.value}")
            tail = " (not included)" if inside is False else ""
            return Item("power", "batteries", ids, rng.choice(frames(voice)["batteries"]), f"{batteries}{tail}",
                        weight, None, f"Batteries: {detail.value}")
    if required is not None and v.no(required.value):
        return Item("power", "no_batteries", ids, "", rng.choice(frames(voice)["no_batteries"]), weight, None,
                    "Batteries required: No")
    if required is not None and v.yes(required.value) and included is not None:
        if v.yes(included.value):
            return Item("power", "batteries", ids, rng.choice(frames(voice)["batteries_included"]), "batteries included",
                        weight, None, f"Batteries required: {required.value}")
        return Item("power", "batteries", ids, "needs", "batteries (not included)", weight, None,
                    f"Batteries required: {required.value}")
    return None


_ODD_FEATURES = re.compile(r"plug and play|drivers|manual|box|colour|parity|bit$|technology|capable|status|required|"
                           r"supported|compatib", re.I)


def _feature_noun(name: str) -> tuple[str, str]:
    """A yes-feature as a noun phrase and its verb: ("Bluetooth", "has"), ("a built-in microphone", "has"),
    ("a power cord", "comes with") for "Power cord included"."""
    if _ODD_FEATURES.search(name):
        return "", ""
    text = " ".join(w for w in re.sub(r"\s*\([^)]*\)", "", name).split() if len(w) > 1)  # "Cartridge s included"
    verb = "has"
    if re.search(r"\bincluded\b", text, re.I):
        text, verb = re.sub(r"\s*\bincluded\b", "", text, flags=re.I), "comes with"
    text = _proper(" ".join(w if any(c.isupper() for c in w[1:]) or w.isupper() else w.lower() for w in text.split()))
    if re.search(r"\bintegrated\b", text):
        text = "integrated " + re.sub(r"\s*\bintegrated\b", "", text).strip()
    elif re.search(r"\bbuilt in\b", text):
        text = "built-in " + re.sub(r"\s*\bbuilt in\b", "", text).strip()
    if not text or len(text) > 40 or re.search(r"\b(in|out)$", text):  # "Microphone in": a port, not a thing
        return "", ""
    return (text if text in _UNCOUNTED else v.article(text)), verb


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

"""What to call the product in copy: its name (without the brand where copy says the brand apart, without a
model code in its middle), a short name for later sentences, its model code, and its kind ("toner cartridge",
"train set") from the product type, the category or the catalog title's own words. A kind is always a noun
phrase that ends in a kind noun the shared catalogs use (retrieval.knowledge.known_kind): never "paper matt"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chains.drafting.realize import values as v
from copydesk.domain import Product
from retrieval.knowledge import known_kind

_CUT = re.compile(r"\s+[-–|]\s+|\s*\(|,\s|\s/\s|;\s*")
_LOWER_RUN = re.compile(r"(?<![\w-])((?:[a-z][a-z-]{2,}\s){0,3}[a-z][a-z-]{3,})(?![\w-])")
_NOT_KINDS = {"others", "other", "toys", "games", "accessories", "original", "compatible", "with", "and", "for",
              "black", "white", "silver", "grey", "blue", "red", "green", "yellow", "cyan", "magenta", "pcs",
              "new", "retired", "import", "package", "manual", "written", "toy", "year", "years", "month", "day",
              "next", "business", "onsite", "hardware", "support", "warranty", "matt", "matte", "glossy"}
_NO_BRAND = {"generic", "unbranded", "unknown", "n/a", "na", "none"}
# Category leaves that name a theme or an audience, not a kind of product.
_THEMES = {"adult", "adults", "pirate", "military", "christmas", "sport", "stationery", "mathematics", "chocolate",
           "robots", "robot", "sewing", "christma", "accessory", "accessories"}
_JOINING = {"with", "and", "for", "of", "in", "the", "a", "&", "-", "to", "at", "on"}
_MAX_NAME_WORDS = 8
_CODE = re.compile(r"^(?=.*\d)(?=.*[a-z])[\w./-]{4,}$", re.IGNORECASE)  # "R1179", "dv7-1211ea", "006R90321"


@dataclass(frozen=True)
class Naming:
    name: str  # "Santa's Express Train Set" (the brand said apart as "from Hornby")
    short: str  # for a bullet's first sentence
    kind: str | None  # "train set", "toner cartridge"
    brand: str | None
    full: str  # brand + name, for titles
    model: str | None = None  # the model code ("R1179"), said apart from the name
    kind_in_name: bool = False  # "... Train Set": the name already says what it is
    line: str | None = None  # the range it belongs to ("Wooden Thomas & Friends")
    title_kind: bool = False  # the catalog title names the kind in lower case: it is built from specs (Icecat)

    @property
    def branded(self) -> str:
        """The name with its brand in front, once: "Hornby Santa's Express Train Set", "Xerox 006R90321"."""
        if not self.brand or self.brand.lower() in self.name.lower():
            return self.name
        return f"{self.brand} {self.name}"


def naming(product: Product) -> Naming:
    brand = _brand(product.brand or "", product.title) or None
    if brand and brand.lower() in _NO_BRAND:
        brand = None
    model = model_code(product)
    title = re.sub(r"\s*\[[^\]]*\]", "", product.title)  # "[Toy]"
    title = re.sub(r"\s*[™®©]", "", title)  # "LabelWriter ™ 450 DUO"
    title = re.sub(r"\s*\(\s*\d+(?:\.\d+)?\s*(?:ft|feet|in|inch|cm|mm|m)\.?\s*\)", "", title, flags=re.I)  # "(2Ft.)"
    title = re.sub(r"\s+\d+\s*pc(?:\(s\)|s)?$", "", title.strip(), flags=re.I)  # "... Photo black 1 pc(s)"
    colour = (product.attributes.get("Product colour") or product.attributes.get("Colour") or "").strip()
    if colour and len(title.split()) > 3 and title.lower().endswith(" " + colour.lower()):
        title = title[: -len(colour)].strip()  # "Wall Mount Unit Silver": the colour is said apart ("comes in silver")
    title = unshout(title)
    kind, cut_at = _kind(product, title, brand)
    name, line = _name(title, cut_at, brand)
    line = line or _franchise(product, title)
    kept = [w for w in name.split()[:-1] if not model or _compact(w) != _compact(model)] + name.split()[-1:]
    named = [w for w in kept if w.lower() not in _NOT_KINDS]  # "LC51C Original Cyan" keeps its code: no name left
    if len(kept) >= 2 and len(kept) < len(name.split()) and named:  # "Interactive Lc55020Uk Speedy": the model's
        name = " ".join(kept)
    if re.fullmatch(r"[\d.,]+\s*[A-Za-z]{1,6}", name.strip()):  # "3 meters" (of "3 meters of ... Leather Cord")
        rest = re.sub(r"^[\d.,]+\s*[A-Za-z]{1,6}\s+of\s+", "", title)
        name = _head_phrase(rest) or _CUT.split(rest, maxsplit=1)[0].strip() or name
    if not name:
        name = kind.title() if kind else title
    bare = _without_brand(name, brand)
    full = name if brand is None or brand.lower() in name.lower() else f"{brand} {name}"
    short = bare if len(bare.split()) <= 4 else (f"the {kind}" if kind else "")  # never a cut name: "Cranky & Bulstrode at the"
    if len(bare.split()) <= 1 and brand and re.search(r"\d", bare):  # "006R90321" alone: "the Xerox 006R90321"
        bare = f"{brand} {bare}"
        short = bare
    in_name = bool(kind) and all(w in name.lower() for w in (kind or "").split())
    if kind and _plural(kind) and not in_name:  # "is a connectors": a plural kind is not said after "is a"
        kind, in_name = None, False
    return Naming(name=bare, short=short, kind=kind, brand=brand, full=full, model=model, kind_in_name=in_name,
                  line=line, title_kind=_title_kind(title) is not None)


def _brand(brand: str, title: str) -> str:
    """The brand as copy says it: "K and C, K and C" -> "K and C"; "Minnie Mouse, Mad about Minnie" (a brand
    field holding two names) -> the one the title uses, "Minnie Mouse"; "Tricks Of The Trade, Inc." stays."""
    parts = list(dict.fromkeys(p.strip() for p in brand.split(",") if p.strip()))
    if len(parts) <= 1 or re.fullmatch(r"(?i)(inc|ltd|llc|co|corp|gmbh|plc)\.?", parts[-1]):
        return brand.strip()
    said = [p for p in parts if p.lower() in title.lower()]
    return said[0] if said else parts[0]


def model_code(product: Product) -> str | None:
    """The product's model as a code ("R1179", "LC55020UK"); None when the catalog's model is a name."""
    model = (product.model or "").strip()
    return model if model and len(model) <= 20 and _CODE.match(model) else None


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _name(title: str, kind: str | None, brand: str | None) -> tuple[str, str | None]:
    """The title's name part and the range it belongs to: up to its kind (Icecat titles run on with specs), a
    measure, a dash, bracket or comma, and never cut before the noun it names ("15 ft Coax High Resolution
    90deg" is cut; "VGA Monitor Cable" is not). "Wooden Thomas & Friends: Cranky the Crane" is Cranky the
    Crane of the Wooden Thomas & Friends range."""
    name = _without_brand(title, brand) if brand else title
    line = None
    if ": " in name and len(name.split(": ", 1)[1].split()) >= 2:
        line, name = (part.strip() for part in name.split(": ", 1))
    cut = False
    if kind:
        match = re.search(rf"(?<![\w-]){re.escape(kind)}(?![\w-])", name, re.IGNORECASE)
        before = name[: match.start()].strip() if match else ""
        # "006R90321 toner cartridge" is cut (the code names it); "SATA cable", "Smart Wireless remote control" are
        # not: a word or two before the kind are no name on their own ("The Supermicro SATA is a cable").
        if before and (re.search(r"\d", before) or len(before.split()) > 2):
            name, cut = before, True
        elif before and match:  # part of the name: written as a name ("Supermicro SATA Cable")
            name = name[: match.start()] + name[match.start(): match.end()].title() + name[match.end():]
    measure = _MEASURE.search(name)  # "P40 lite E 16.2 cm (6.39")": names hold no measures after their start
    if measure and len(name[: measure.start()].split()) >= 2 and (not cut or len(name.split()) > 5) \
            and not _ends_in_kind(name):
        name = name[: measure.start()]
    parts = _CUT.split(name, maxsplit=1)
    if len(parts[0].split()) >= 2 or (len(parts) > 1 and len(parts[0].split()) >= 1 and not kind):
        head, rest = parts[0], (parts[1] if len(parts) > 1 else "")
        if rest and not _ends_in_kind(head) and _kind_word_in(rest) and not kind:
            return (_head_phrase(name) or head), line  # the cut left the noun behind: name it by its phrase
        name = head
    words = name.split()
    if len(words) > _MAX_NAME_WORDS:  # "Busy Bead Pack of 500 x Ivory Flat ...": cut before "of", not mid-phrase
        joint = next((i for i, w in enumerate(words[:_MAX_NAME_WORDS]) if i >= 2 and w.lower() in _JOINING
                      and words[i - 1].lower() not in _JOINING), None)  # never "Jake and" (from "Jake and The ...")
        return (_head_phrase(name) or " ".join(_trim(words[:joint or _MAX_NAME_WORDS]))), line
    return " ".join(_trim(words)).rstrip(" ,:;-–"), line


def _trim(words: list[str]) -> list[str]:
    words = list(words)
    while len(words) > 2 and words[-1].lower() in _JOINING:
        words.pop()
    return words


def _ends_in_kind(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text)
    return bool(words) and known_kind(words[-1])


def _kind_word_in(text: str) -> bool:
    return any(known_kind(w) for w in re.findall(r"[A-Za-z]+", _CUT.split(text, maxsplit=1)[0]))


def _head_phrase(text: str) -> str:
    """The first noun phrase that ends in a kind noun, with up to four words before it, none across a cut:
    "Upward Angled VGA Monitor Cable" from "15 ft Coax High Resolution 90deg; Upward Angled VGA Monitor Cable".
    A kind noun ends its phrase: it closes its segment or the title starts with it ("Labels Premium A4")."""
    for n, segment in enumerate(_CUT.split(text)):
        words = segment.split()
        for i, word in enumerate(words):
            closes = i == len(words) - 1 or (n == 0 and i == 0)
            clean = re.sub(r"[^\w-]", "", word)
            if closes and clean.lower() not in _NOT_KINDS and known_kind(clean):
                if n == 0 and i == 0:  # "Labels Premium A4 64.6x33.8 mm": the name runs on while capitalised
                    end = 1
                    while end < len(words) and words[end][:1].isupper():
                        end += 1
                    return " ".join(words[:end])
                return " ".join(words[max(0, i - 4): i + 1])
    return ""


_MEASURE = re.compile(r"\s\d+(?:[.,]\d+)?\s?(?:cm|mm|m|GB|MB|TB|GHz|MHz|Mbit/s|ppm|W|V|\"|in|inch|sheets|pages|pcs)\b"
                      r"|\s\d+(?:[.,]\d+)?\s?x\s?\d")  # "... 64.6x33.8 mm": a size, where the name has ended
_NAME_WORD = re.compile(r"^[A-Z][a-z]+$")


def _title_kind(title: str) -> tuple[str, int] | None:
    """An Icecat-style title's kind: its first run of lower-case words that ends in a kind noun, with the
    words before it back to the first lower-case one ("PET729/37 portable DVD/Blu-Ray player Black" ->
    "portable DVD/Blu-Ray player"; "... white paper matt" has none), and where it starts."""
    words = title.split()

    def lower(word: str) -> str:
        clean = re.sub(r"[^\w-]", "", word)
        return clean if re.fullmatch(r"[a-z][a-z-]*", clean) and clean not in _NOT_KINDS | _JOINING else ""

    i = 0
    while i < len(words):
        if not lower(words[i]):
            i += 1
            continue
        end = i
        while end + 1 < len(words) and lower(words[end + 1]):
            end += 1
        last = end
        while last >= i and not known_kind(lower(words[last])):
            last -= 1
        after = words[end + 1] if end + 1 < len(words) else ""  # the run ends at its kind noun ("paper matt": no)
        plain = re.fullmatch(r"[a-z][a-z-]*", re.sub(r"[^\w-]", "", after))
        if last >= i and end == last and (not plain or after in _JOINING):
            start = i
            while start > 0 and (lower(words[start - 1]) or ("/" in words[start - 1]
                                                              and not re.search(r"\d", words[start - 1]))):
                start -= 1
            if start > 0:
                return " ".join(words[start: last + 1]), len(" ".join(words[:start]))
        i = end + 1
    return None


# Short words in capitals that are acronyms, not shouting ("BRUSHWOOD TOY FARM" is shouting, "LED" is not).
_ACRONYMS = {"LED", "LCD", "USB", "DVD", "HDMI", "RGB", "UK", "USA", "EU", "BBC", "PVC", "ABS", "DIY", "RC", "HD",
             "UHD", "SD", "AC", "DC", "ATC", "EVA", "MDF", "TV", "PC", "CD", "GPS", "NFL", "NBA", "MP3", "XL"}


def unshout(text: str) -> str:
    """A catalog title read as a name: in a title written in capitals ("BRUSHWOOD TOY FARM BULK SILAGE") every
    capitalised word of three letters or more but an acronym is shouting; elsewhere only long ones
    ("PERSONALISED" -> "Personalised"). Codes ("R1151", "BT2030") stay."""
    words = text.split()
    plain = [w for w in words if re.fullmatch(r"[A-Za-z]{3,}", w)]
    shouted = len(plain) >= 4 and sum(w.isupper() for w in plain) * 4 >= len(plain) * 3  # "DYMO ... 450 DUO" is not
    return " ".join(_unshout(w, shouted=shouted) for w in words)


def _unshout(word: str, *, shouted: bool = False) -> str:
    core = word.strip(",.;:!?()\"'")
    if not (core.isalpha() and core.isupper()) or core in _ACRONYMS:
        return word
    if len(core) > 4 or (shouted and len(core) >= 3):
        return word.replace(core, core.capitalize())
    return word


def _without_brand(name: str, brand: str | None) -> str:
    if brand and name.lower().startswith(brand.lower() + " ") and len(name.split()) - len(brand.split()) >= 1:
        return name[len(brand):].strip()
    return name


def _kind(product: Product, title: str, brand: str | None) -> tuple[str | None, str | None]:
    """The kind, and the words the catalog title can be cut at (a specs-built title: "HP ... Notebook Silver ...")."""
    typed = (product.attributes.get("Type") or "").strip()  # Icecat: "Freestanding rack" (not "Original")
    declared = product.attributes.get("Product type") or (typed if typed.lower() not in {"original", "compatible"}
                                                          and len(typed.split()) >= 2 else "")
    declared = v.lower_value(re.sub(r"\s*\([^)]*\)", "", declared)).strip()
    from_title = _title_kind(title)
    if from_title and (not declared or len(from_title[0].split()) > len(declared.split())):
        return from_title[0], from_title[0]
    if declared and not re.search(r"\d", declared) and len(declared.split()) <= 3 and known_kind(declared):
        return declared, (from_title[0] if from_title else declared)
    steps = [s.strip() for s in (product.category or "").split(">") if s.strip()]
    leaf = steps[-1] if steps else ""
    if len(steps) > 1 and leaf.lower() in _THEMES:  # "Fancy Dress > Costumes > Adults": the leaf names the
        before = " ".join(v.ENGINE.singular_noun(w) or w for w in steps[-2].lower().split())  # audience
        if known_kind(before) and "&" not in before:
            return before, None  # the step before is the kind ("costume"); never a brand ("Disney")
    if leaf and leaf.lower() not in _NOT_KINDS and "&" not in leaf and not re.search(r"\d", leaf) \
            and len(leaf.split()) <= 2 and (not brand or leaf.lower() != brand.lower()):
        singular = " ".join(v.ENGINE.singular_noun(w) or w for w in leaf.lower().split())
        inside = re.search(rf"\b{re.escape(singular)}\b(\s+[A-Za-z]+)?", title, re.IGNORECASE)
        if inside:  # "Trains" for "... Train Set": the title's own words ("train set")
            phrase = inside.group(0).lower()
            return (phrase if inside.group(1) and known_kind(phrase) else singular), None
        if known_kind(singular) or (len(leaf.split()) == 1 and singular.lower() not in _THEMES
                                    and not (product.category or "").startswith("Characters & Brands")):
            return singular, None  # "Trains" for Chuggington's Speedy McAllister: "a train"
    phrase = _head_phrase(_without_brand(title, brand))  # "HERMA Labels Premium A4 ...": "labels"
    heads = [w for w in (re.sub(r"[^\w-]", "", w) for w in phrase.split()) if known_kind(w)]
    if heads:
        return (heads[-1].lower() if not heads[-1].isupper() else heads[-1]), False
    return None, None


def _plural(phrase: str) -> bool:
    last = phrase.split()[-1].lower()
    return last.endswith("s") and not last.endswith("ss") and v.ENGINE.singular_noun(last) is not False


def names_a_thing(name: str) -> bool:
    """"Death Note Plush Toy", "Red Tartan Scottish Stag Suit": a name that ends in a kind noun takes "the", as
    a product does; "Cranky the Crane", "Lord Harry", "Boggle Reinvention" are proper names and take none."""
    words = re.findall(r"[A-Za-z]+", name)
    return bool(words) and known_kind(words[-1]) and " the " not in f" {name.lower()} "


def plural_name(name: str) -> bool:
    """"4M2U Keyboard Stickers", "Multimedia Speakers": the name is the things themselves (takes "are")."""
    words = re.findall(r"[A-Za-z]+", name)
    if not words or not _plural(words[-1]):
        return False
    # "20pcs Scale 1/200 Model Single Head Street Lights": a name that counts what it holds names the things,
    # though "lights" is no kind noun ("Thomas & Friends", "1.2.3 Animals" are names and stay singular).
    return known_kind(words[-1]) or bool(_COUNTED.match(name))


_COUNTED = re.compile(r"^(?:set of |pack of )?\d+\s*(?:pcs|pieces|pc|x)\b", re.IGNORECASE)


def _franchise(product: Product, title: str) -> str | None:
    """"Characters & Brands > Thomas & Friends > ...": the range a toy belongs to, when its title does not say it."""
    steps = [s.strip() for s in (product.category or "").split(">")]
    if len(steps) >= 2 and steps[0].lower() == "characters & brands" and steps[1].lower() not in title.lower() \
            and steps[1].lower() != (product.brand or "").lower():
        return steps[1]
    return None

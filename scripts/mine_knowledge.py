"""Mine the shared catalogs for the knowledge graph: units of Icecat's numeric attributes, and which facts
people put in titles. Rerun after the rules or the data change:

    .venv/bin/python scripts/mine_knowledge.py [--icecat PATH] [--amazon PATH]

Writes retrieval/knowledge/data/icecat_numeric.yaml, retrieval/knowledge/data/title_facts.yaml and
retrieval/knowledge/data/kinds.yaml.

Icecat numbers carry no unit in the data. For each numeric attribute this looks for the same number printed
with a unit in the product's own title or short description ("2.13 GHz" beside processor_frequency 2.13),
which people wrote. The unit the rules (families.yaml) give is kept when the evidence does not contradict
it; an attribute no rule covers takes the unit its evidence agrees on; anything else is marked unitless:
"count" for whole numbers whose name counts things, otherwise "hidden" (never said bare).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retrieval.knowledge.graph import DATA_DIR, rule_for  # noqa: E402
from retrieval.readers.icecat import attribute_name  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "products"
# Units as Icecat's titles and short descriptions print them, normalised to the families.yaml spelling.
UNIT_WORDS = {
    "ghz": "GHz", "mhz": "MHz", "khz": "kHz", "hz": "Hz", "tb": "TB", "gb": "GB", "mb": "MB", "kb": "KB",
    "mm": "mm", "cm": "cm", "m": "m", '"': "in", "in": "in", "inch": "in", "ft": "ft", "w": "W", "v": "V",
    "a": "A", "mah": "mAh", "wh": "Wh", "va": "VA", "ms": "ms", "ppm": "ppm", "dpi": "dpi", "nm": "nm",
    "mbit/s": "Mbit/s", "mbps": "Mbit/s", "gbit/s": "Gbit/s", "gbps": "Gbit/s", "pages": "pages",
    "sheets": "sheets", "pcs": "pcs", "pc(s)": "pcs", "kg": "kg", "g": "g", "lb": "lb", "ml": "ml", "%": "%",
    "°": "°", "db": "dB", "rpm": "rpm", "h": "h", "cd/m²": "cd/m²", "gsm": "g/m²", "g/m²": "g/m²", "j": "J",
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNIT_WORDS), key=len, reverse=True))
QUANTITY = re.compile(rf"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s?({_UNIT_RE})(?![\w/])", re.IGNORECASE)
# Units of one kind: titles may print another unit of the same thing than the rules give ("Size" 3.5 is in).
DIMENSIONS = [{"GHz", "MHz", "kHz", "Hz"}, {"TB", "GB", "MB", "KB"}, {"mm", "cm", "m", "in", "ft"},
              {"kg", "g", "lb"}, {"Mbit/s", "Gbit/s"}, {"pages", "sheets", "pcs", "pages per month"}, {"W", "VA"}]
COUNTING = re.compile(r"number of|quantity|ports|pieces|per pack|per package|cores|threads|slots|outlets|"
                      r"speakers|cartridges|sheets|labels|players|users|channels|keys|buttons|bays|drives|"
                      r"lines|cells|fans|lamps|trays|outputs|inputs|heads|nozzles|colours$|count")


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def evidence_in(text: str) -> list[tuple[float, str]]:
    found = []
    for match in QUANTITY.finditer(text):
        value = number(match.group(1))
        if value is not None:
            found.append((value, UNIT_WORDS[match.group(2).lower()]))
    return found


def mine_icecat(path: Path) -> tuple[dict, Counter, Counter]:
    products: Counter = Counter()
    values: dict[str, list[float]] = defaultdict(list)
    seen: dict[str, Counter] = defaultdict(Counter)
    agree: Counter = Counter()  # printed units equal to the unit the rules give for that very value
    in_title: Counter = Counter()
    present: Counter = Counter()
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        title = record.get("title") or ""
        text = f"{title} {record.get('short_description') or ''}"
        printed = evidence_in(text)
        for key, value in record.items():
            if not key.startswith(("attr_t_", "attr_n_", "attr_b_")) or value in (None, ""):
                continue
            name = attribute_name(key)
            if key.startswith("attr_t_"):
                present[name] += 1
                if len(str(value)) > 1 and str(value).lower() in title.lower():
                    in_title[name] += 1
            if not key.startswith("attr_n_") or not isinstance(value, (int, float)):
                continue
            products[name] += 1
            present[name] += 1
            values[name].append(float(value))
            units = [u for v, u in printed if abs(v - float(value)) < 1e-9]
            rule = rule_for(name)
            for unit in set(units):
                seen[name][unit] += 1
                agree[name] += rule is not None and rule.unit_for(float(value)) == unit
            if units and any(abs(v - float(value)) < 1e-9 for v, _ in evidence_in(title)):
                in_title[name] += 1
    table = {name: decide(name, values[name], seen[name], agree[name], products[name]) for name in sorted(products)}
    return table, in_title, present


def decide(name: str, values: list[float], seen: Counter, agreed: int, count: int) -> dict:
    rule = rule_for(name)
    entry: dict = {"products": count, "min": min(values), "max": max(values)}
    if seen:
        entry["printed_units"] = dict(seen.most_common(4))
    top, top_n = (seen.most_common(1)[0] if seen else (None, 0))
    if rule is not None and rule.unitless:
        entry["unitless"] = rule.unitless
        entry["source"] = "rule"
    elif rule is not None and (rule.unit or rule.units):
        printed = sum(seen.values())
        same_kind = any(top in group and rule.unit in group for group in DIMENSIONS)
        strong = top_n >= 50 and top_n / printed >= 0.9
        if (not rule.units and top_n >= 5 and top != rule.unit and top_n / printed >= 0.7 and agreed / printed < 0.2
                and (same_kind or strong)):
            entry["unit"] = top  # the titles print another unit of the same thing ("Size" 3.5 is inches)
            entry["source"] = f"mined (rule said {rule.unit})"
        else:
            if rule.units:
                entry["units"] = [[None if b == float("inf") else b, u] for b, u in rule.units]
            else:
                entry["unit"] = rule.unit
            entry["source"] = "rule"
        if seen:
            entry["evidence_agrees"] = round(agreed / printed, 2)
    elif all(v.is_integer() for v in values) and COUNTING.search(name.lower()):
        entry["unitless"] = "count"
        entry["source"] = "counting name"
    elif top is not None and top_n >= 5 and top_n / sum(seen.values()) >= 0.8:
        entry["unit"] = top
        entry["source"] = "mined"
    else:
        entry["unitless"] = "hidden"
        entry["source"] = "no evidence"
    return entry


# Icecat titles name the product's kind in lower case after the model ("Xerox 006R90321 toner cartridge Original
# Black"). Runs of lower-case words that are not kinds: colours, finishes, units, joining words, support terms.
_LOWER_RUN = re.compile(r"(?<![\w-])((?:[a-z][a-z-]+\s){0,3}[a-z][a-z-]{2,})(?![\w-])")
NOT_KIND_WORDS = set("""black white silver grey gray blue red green yellow cyan magenta photo light dark matt matte
glossy gloss satin multicolour multicolor transparent pixels ppm pages sheets pcs rpm inch year years month day
for with and over born com gen series sht blank replacement moto quiet luxe de select business next onsite
hardware support warranty original compatible pc new mm cm ft in of the to on at by high categorized continous
double flat hard-wearing i-tec inc kids male female metre multifunctional ohm pieces pockets pole quality
self-adhesive typewriters""".split())


def mine_kinds(path: Path, minimum: int = 5) -> dict:
    """Kinds of product as Icecat titles name them ("toner cartridge", "networking cable"), and their head nouns:
    copy calls a product by a kind only when its last word is such a head (never "paper matt")."""
    runs: Counter = Counter()
    for line in path.open(encoding="utf-8"):
        match = _LOWER_RUN.search(json.loads(line).get("title") or "")
        if match:
            words = [w for w in match.group(1).split() if w not in NOT_KIND_WORDS]
            if words and words[-1] == match.group(1).split()[-1]:
                runs[" ".join(words)] += 1
    kinds = {k: n for k, n in runs.most_common() if n >= minimum and len(k) >= 3}
    heads = Counter()
    for kind, n in kinds.items():
        heads[kind.split()[-1]] += n
    return {"kinds": kinds, "heads": sorted(heads)}


def mine_category_kinds(path: Path, minimum: int = 3) -> list[str]:
    """Kind nouns of the Amazon toys: words of a product's category path that its own name repeats ("Trains"
    for "Hornby ... Train Set"), never its brand ("Hasbro" is a category leaf there)."""
    from retrieval.readers import RowError, read_products

    import inflect

    engine = inflect.engine()
    found: Counter = Counter()
    for product in read_products(path):
        if isinstance(product, RowError) or not product.category:
            continue
        brand = set(re.findall(r"[a-z]+", (product.brand or "").lower()))
        title = set(re.findall(r"[a-z]+", product.title.lower())) - brand
        for word in set(re.findall(r"[a-z]+", product.category.lower())):
            single = engine.singular_noun(word) or word
            if len(single) > 2 and single in title:
                found[single] += 1
    # Category words that names repeat but that say a theme or a name, not a kind (read off this list's output).
    stop = NOT_KIND_WORDS | {"toy", "game", "others", "accessory", "hobby", "kid", "child", "adult", "action", "art",
                             "barbie", "builder", "finger", "harry", "party", "potter", "story", "painting"}
    return sorted(w for w, n in found.items() if n >= minimum and w not in stop)


def mine_amazon(path: Path) -> tuple[Counter, Counter]:
    """Which Amazon toy facts people repeat in product names (ages, pieces, sizes)."""
    from retrieval.readers import RowError, read_products

    in_title: Counter = Counter()
    present: Counter = Counter()
    for product in read_products(path):
        if isinstance(product, RowError):
            continue
        title = product.title.lower()
        for name, value in product.attributes.items():
            present[name] += 1
            numbers = re.findall(r"\d+(?:\.\d+)?", value)
            hit = any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", title) for n in numbers) if numbers else (
                len(value) > 2 and value.lower() in title)
            in_title[name] += hit
    return in_title, present


def title_rates(in_title: Counter, present: Counter, minimum: int) -> dict[str, float]:
    return {name: round(in_title[name] / n, 3) for name, n in present.most_common() if n >= minimum and in_title[name]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icecat", type=Path, default=SHARED / "icecat-electronics.jsonl")
    parser.add_argument("--amazon", type=Path, default=SHARED / "amazon-uk-toys.csv")
    args = parser.parse_args()
    csv.field_size_limit(64 * 1024 * 1024)
    import yaml

    table, icecat_titles, icecat_present = mine_icecat(args.icecat)
    header = ("# Generated by scripts/mine_knowledge.py from the shared Icecat file: do not edit by hand.\n"
              "# Readable attribute name -> unit (or units by value: [[upper bound, unit]]; null bound = any) or\n"
              "# unitless: count | hidden; printed_units = units the catalog's titles print beside the same value.\n")
    (DATA_DIR / "icecat_numeric.yaml").write_text(header + yaml.safe_dump(table, sort_keys=True, allow_unicode=True),
                                                   encoding="utf-8")
    amazon_titles, amazon_present = mine_amazon(args.amazon)
    rates = {"icecat": title_rates(icecat_titles, icecat_present, 30),
             "amazon": title_rates(amazon_titles, amazon_present, 5)}
    header = ("# Generated by scripts/mine_knowledge.py: the share of products whose human-written title repeats an\n"
              "# attribute's value. Titles use the attributes people put in titles first.\n")
    (DATA_DIR / "title_facts.yaml").write_text(header + yaml.safe_dump(rates, sort_keys=False, allow_unicode=True),
                                                encoding="utf-8")
    header = ("# Generated by scripts/mine_knowledge.py from the shared Icecat titles: kinds of product (with the number\n"
              "# of titles naming each) and their head nouns. Copy names a product by a kind whose last word is a head.\n")
    kinds = {**mine_kinds(args.icecat), "category_heads": mine_category_kinds(args.amazon)}
    (DATA_DIR / "kinds.yaml").write_text(header + yaml.safe_dump(kinds, sort_keys=False, allow_unicode=True),
                                         encoding="utf-8")
    sources = Counter(e["source"] for e in table.values())
    print(f"{len(table)} numeric Icecat attributes: {dict(sources)}")


if __name__ == "__main__":
    main()

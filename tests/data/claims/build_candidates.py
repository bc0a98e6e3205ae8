"""Extract candidate sentences and build self-contained fact lists for the claim set.

This script only does the mechanical part (reading the source files, splitting the
Amazon technical-details blob and Icecat attributes into name/value facts, cutting
descriptions into candidate sentences).  It does NOT label anything and it does not
import or run any copydesk code: labels and claims in labelled.jsonl were written by
hand, sentence by sentence.

Usage:
    python tests/data/claims/build_candidates.py [OUT_DIR]   # default /tmp/claims-candidates

writes OUT_DIR/amazon.jsonl, OUT_DIR/icecat.jsonl and OUT_DIR/drafts.jsonl, one
candidate sentence per line (product ref + sentence).  amazon_facts() / icecat_facts()
give the fact lists that labelled.jsonl embeds for each product.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

SHARED = Path("/work/shared/data/products")
AMAZON = SHARED / "amazon-uk-toys.csv"
ICECAT = SHARED / "icecat-electronics.jsonl"
REPO = Path(__file__).resolve().parents[3]
EVAL_FILES = [REPO / "docs" / n for n in ("eval-copy.json", "eval-copy-run1.json", "eval-copy-run2.json")]

# Keys of Amazon's "Technical Details" blob, longer keys before their prefixes.
# Values run until the next known key.
AMAZON_KEYS = [
    "Manufacturer recommended age:",
    "Our recommended age:",
    "Item Weight",
    "Product Dimensions",
    "Batteries:",
    "Item model number",
    "Manufacturer reference",
    "Educational Objective(s)",
    "Main Language(s)",
    "Number of Game Players",
    "Number of Puzzle Pieces",
    "Assembly Required",
    "Batteries Required?",
    "Batteries required",
    "Target gender",
    "Batteries Included?",
    "Material Type(s)",
    "Material Composition",
    "Material Care Instructions",
    "Material Type",
    "Manufacturer Part Number",
    "Remote Control Included?",
    "Remote Control Type",
    "Radio Control Number of Channels",
    "Radio Control Suitability",
    "Manufacturer's Suggested Maximum Weight",
    "Suggested Maximum Weight",
    "Original Release Date",
    "Engine Type",
    "Track Width/Gauge",
    "Colour",
    "Color",
    "Scale",
    "Size",
    "Shipping Weight",
    "Date First Available",
    "ASIN",
    # dropped below (not product facts): listing/shop metadata
    "Best Sellers Rank",
    "Customer Reviews",
    "Delivery Destinations:",
    "Feedback",
    "WEEE Directive",
]
DROP_KEYS = {"Best Sellers Rank", "Customer Reviews", "Delivery Destinations:", "Feedback", "WEEE Directive"}
# "Colour"/"Color" must not be the start of "Coloured"/"Colouring" inside a value.
_KEY_RE = re.compile("(" + "|".join(
    re.escape(k) + (r"(?!ed\b|ing|ful)" if k in ("Colour", "Color") else "") for k in AMAZON_KEYS) + ")")


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\xa0", " ")).strip()


ADDITIONAL_KEYS = ("Shipping Weight", "Date First Available")


def split_amazon_info(blob: str) -> list[tuple[str, str]]:
    text = _clean(blob)
    technical, _, additional = text.partition("Additional Information")
    technical = technical.replace("Technical Details", " ")
    # From "Additional Information" keep the ASIN (catalogue identifier), shipping weight
    # and first-available date; the rest is shop metadata (sales rank, reviews, delivery).
    m = re.search(r"ASIN\s*([A-Z0-9]{10})", additional)
    if m:
        technical += f" ASIN{m.group(1)}"
    for key in ADDITIONAL_KEYS:
        m = re.search(re.escape(key) + r"\s*(.+?)(?=Delivery Destinations|Delivery information|Date First Available|Feedback|Shipping Weight|$)", additional)
        if m:
            technical += f" {key}{m.group(1)}"
    parts = _KEY_RE.split(technical)
    out: list[tuple[str, str]] = []
    for i in range(1, len(parts) - 1, 2):
        key, val = parts[i], _clean(parts[i + 1])
        if key in DROP_KEYS or not val:
            continue
        key = key.rstrip(":?").strip()
        if key == "Color":
            key = "Colour"
        out.append((key, val))
    return out


def amazon_rows() -> dict[str, dict]:
    with AMAZON.open(encoding="utf-8", newline="") as fh:
        return {r["product_id"]: r for r in csv.DictReader(fh)}


def amazon_facts(r: dict) -> list[dict]:
    facts = [
        {"name": "Product name", "value": _clean(r["product_name"])},
        {"name": "Manufacturer", "value": _clean(r["manufacturer"])},
    ]
    if r["price"].strip():
        facts.append({"name": "Price", "value": "£" + r["price"].strip().lstrip("£")})
    cats = [r[c].strip() for c in ("category", "subcategory_1", "subcategory_2", "subcategory_3", "subcategory_4")]
    cats = [c for c in cats if c]
    if cats:
        facts.append({"name": "Category", "value": " > ".join(cats)})
    for k, v in split_amazon_info(r["product_information"]):
        facts.append({"name": k, "value": v})
    return facts[:40]


def icecat_rows() -> dict[str, dict]:
    out = {}
    with ICECAT.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rec = json.loads(line)
                out[str(rec["id"])] = rec
    return out


def _fmt_num(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# Logistics fields (pallets, outer cartons, tare weights, customs codes) say nothing a
# listing would claim; they are dropped before the ~40-fact cap.
LOGISTICS_RE = re.compile(r"pallet|master\s+outer|outer\s+case|carton|intermodal|inner\s+case|tare|harmonized|"
                          r"packaging net|minimum order|retail only|ark id", re.I)


def icecat_facts(rec: dict) -> list[dict]:
    facts = [
        {"name": "Title", "value": rec.get("title", "")},
        {"name": "Name", "value": rec.get("name", "")},
        {"name": "Supplier", "value": rec.get("supplier", "")},
    ]
    if rec.get("ean"):
        facts.append({"name": "EAN", "value": ", ".join(rec["ean"])})
    for k, v in rec.items():
        m = re.match(r"attr_([tnb])_(.+)$", k)
        if not m:
            continue
        kind, name = m.groups()
        if LOGISTICS_RE.search(name.replace("_", " ")):
            continue
        name = name.replace("__", " (", 1) + ")" if name.endswith("_") and "__" in name else name
        name = re.sub(r"\s+", " ", name.replace("_", " ")).strip().replace(" )", ")")
        name = name[:1].upper() + name[1:]
        if kind == "b":
            val = "Yes" if v else "No"
        elif kind == "n":
            val = _fmt_num(v)
        else:
            val = str(v)
        facts.append({"name": name, "value": val})
    # No hard cap: a fact silently cut off would turn a supported claim into an
    # "unsupported" one.  The set only uses products whose list stays compact.
    return facts


SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    text = _clean(text)
    return [s.strip() for s in SENT_RE.split(text) if len(s.strip()) > 3]


def draft_candidates():
    seen = set()
    for path in EVAL_FILES:
        data = json.loads(path.read_text())
        for p in data["per_product"]:
            for system in ("pipeline", "raw"):
                d = p["drafts"].get(system) or {}
                pieces = [("title", d.get("title", ""))]
                pieces += [("bullet", b) for b in d.get("bullets", [])]
                pieces += [("description", s) for s in split_sentences(d.get("description", ""))]
                for part, s in pieces:
                    s = _clean(s)
                    key = (p["sku"], system, s)
                    if not s or key in seen:
                        continue
                    seen.add(key)
                    yield {"dataset": p["dataset"], "sku": p["sku"], "system": system, "part": part,
                           "sentence": s, "eval_file": path.name}


def main(out_dir: str = "/tmp/claims-candidates") -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    amz = amazon_rows()
    ice = icecat_rows()
    with (out / "amazon.jsonl").open("w") as fh:
        for pid, r in amz.items():
            for i, s in enumerate(split_sentences(r["product_description"])):
                fh.write(json.dumps({"ref": pid, "i": i, "sentence": s}) + "\n")
    with (out / "icecat.jsonl").open("w") as fh:
        for iid, rec in ice.items():
            for i, s in enumerate(split_sentences(rec.get("short_description") or "")):
                fh.write(json.dumps({"ref": iid, "i": i, "sentence": s}) + "\n")
    with (out / "drafts.jsonl").open("w") as fh:
        for c in draft_candidates():
            fh.write(json.dumps(c) + "\n")
    print("wrote candidates to", out)


if __name__ == "__main__":
    main(*sys.argv[1:])

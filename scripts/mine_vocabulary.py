"""Mine the English vocabulary of the fluency gate from human text in the shared data. Rerun after the data
changes:

    .venv/bin/python scripts/mine_vocabulary.py

Writes generators/text/data/vocabulary.txt, the English words of the fluency gate's surface features
(generators/text/garble.py): the lower-case words (letters, inner apostrophes) written by people in Amazon UK
toys' names and descriptions, Icecat's titles and short descriptions, Flipkart's names and descriptions and the
style guides, kept when at least MIN_DOCUMENTS documents use them (a word one seller typed once may be a typo);
with pyspellchecker's English words seen at least MIN_FREQUENCY times in its corpus (needed only here:
`pip install pyspellchecker`).
Products that the hand-labelled fluency set (tests/data/fluency/sentences.jsonl) quotes or derives sentences
from are left out, so that the gate's held-out figures do not rest on data that has seen their words.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
LABELLED = ROOT / "tests" / "data" / "fluency" / "sentences.jsonl"
DATA = ROOT / "generators" / "text" / "data"
MIN_DOCUMENTS = 2
MIN_FREQUENCY = 100
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def labelled_products() -> set[str]:
    """Product ids (Amazon's hex ids, Icecat's numbers) named in the labelled set's sources."""
    found: set[str] = set()
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            source = json.loads(line)["source"]
            found.update(re.findall(r"\b[0-9a-f]{32}\b", source))
            found.update(re.findall(r"(?:icecat-electronics(?:\.jsonl)?[ /](?:id )?)(\d+)", source))
            found.update(re.findall(r"product_id (\S+)", source))
    return found


def documents(skip: set[str]) -> Iterator[str]:
    csv.field_size_limit(sys.maxsize)
    products = SHARED / "products"
    with (products / "amazon-uk-toys.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["product_id"] not in skip:
                yield f"{row['product_name']}\n{row['product_description']}"
    with (products / "flipkart-sample.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["uniq_id"] not in skip:
                yield f"{row['product_name']}\n{row['description']}"
    with (products / "icecat-electronics.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if str(row.get("id")) not in skip:
                yield f"{row.get('title') or ''}\n{row.get('short_description') or ''}"
    for guide in sorted((SHARED / "style-guides").rglob("*.md*")):
        yield guide.read_text(encoding="utf-8", errors="replace")


def main() -> int:
    from spellchecker import SpellChecker

    skip = labelled_products()
    used: Counter[str] = Counter()
    for text in documents(skip):
        used.update({w.lower() for w in WORD.findall(text)})
    english = {w for w, n in SpellChecker(language="en").word_frequency.dictionary.items()
               if n >= MIN_FREQUENCY and WORD.fullmatch(w)}
    words = sorted({w for w, n in used.items() if n >= MIN_DOCUMENTS} | english)
    source = (f"mined by scripts/mine_vocabulary.py from human text in ../shared/data ({len(skip)} products of the "
              f"labelled fluency set left out)")
    (DATA / "vocabulary.txt").write_text(
        f"# English vocabulary of the fluency gate, {source}:\n# words used in >= {MIN_DOCUMENTS} documents, and "
        f"pyspellchecker's English words of frequency >= {MIN_FREQUENCY}. One lower-case word a line.\n"
        + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words ({len(english)} from pyspellchecker)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

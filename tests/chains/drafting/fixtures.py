"""A small real catalog for the copy-chain tests: a few Icecat and Amazon UK toys rows and one brand guide.

Built once per test module (embedding a dozen texts takes about a second).
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from copydesk.settings import Settings

ICECAT_ROWS = 4
AMAZON_ROWS = 4
XEROX_SKU = "3920564"  # Icecat row 1: Xerox toner, 9 short facts, a description
STARTECH_SKU = "1128895"  # Icecat row 3: StarTech null modem adapter

PEBBLE_GUIDE = """---
banned_words: [cheap, best]
tone_words: [playful, warm]
title_max_length: 150
emoji: forbid
---
# Pebble voice

Pebble talks to parents like a friendly shop assistant: short sentences, warm words, no hype.
"""


def write_subset(shared_data: Path, folder: Path) -> list[Path]:
    """The first rows of the Icecat and Amazon toys files, unchanged, as two small files."""
    folder.mkdir(parents=True, exist_ok=True)
    products = shared_data / "products"
    icecat = folder / "icecat-sample.jsonl"
    with (products / "icecat-electronics.jsonl").open(encoding="utf-8") as source:
        icecat.write_text("".join(itertools.islice(source, ICECAT_ROWS)), encoding="utf-8")
    amazon = folder / "amazon-sample.csv"
    csv.field_size_limit(64 * 1024 * 1024)
    with (products / "amazon-uk-toys.csv").open(encoding="utf-8", newline="") as source, amazon.open(
        "w", encoding="utf-8", newline=""
    ) as target:
        reader = csv.reader(source)
        writer = csv.writer(target)
        for row in itertools.islice(reader, AMAZON_ROWS + 1):  # header + rows
            writer.writerow(row)
    return [icecat, amazon]


def build_catalog(settings: Settings, shared_data: Path, folder: Path):
    from retrieval.catalog import Catalog

    catalog = Catalog.open(settings)
    report = catalog.ingest_products(write_subset(shared_data, folder))
    assert catalog.count() == ICECAT_ROWS + AMAZON_ROWS, report
    guide = folder / "pebble.md"
    guide.write_text(PEBBLE_GUIDE, encoding="utf-8")
    catalog.ingest_styles(guide, "pebble")
    return catalog


_shared: dict[str, tuple[Settings, object]] = {}


def shared_env(shared_data: Path, tiny_lm_dir: Path) -> tuple[Settings, object]:
    """One catalog for every copy-chain test module of the process (built once: embedding is the slow part).

    Tests only read it; each draft goes to the shared draft store under a fresh id. `llm_threads=1`:
    the tiny model is too small to gain from threads, and on a busy machine they cost 10x.
    """
    if "env" not in _shared:
        import atexit
        import shutil
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="copydesk-copy-tests-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        settings = Settings(home=root / "home", llm=str(tiny_lm_dir), candidates=2, max_new_tokens=8, llm_threads=1,
                            _env_file=None)
        _shared["env"] = (settings, build_catalog(settings, shared_data, root / "data"))
    return _shared["env"]

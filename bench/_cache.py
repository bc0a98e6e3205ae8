"""Catalogs ingested once and reused across benchmark runs, under .copydesk-bench-cache/ (gitignored).

Embedding 1,000 products takes about 15 s at batch 128 on the development CPU (more when it is shared):
that is set-up, not the drafting a benchmark times. A cached store is rebuilt when the rows it was made from
change (their bytes are hashed). The converted built-in model is shared with the default home, not redone.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import time
from pathlib import Path

from copydesk.paths import PROJECT_ROOT, SHARED_DATA_DIR
from copydesk.settings import Settings

CACHE = PROJECT_ROOT / ".copydesk-bench-cache"
ICECAT = SHARED_DATA_DIR / "products" / "icecat-electronics.jsonl"
AMAZON_TOYS = SHARED_DATA_DIR / "products" / "amazon-uk-toys.csv"


def head_jsonl(source: Path, target: Path, rows: int) -> Path:
    with source.open(encoding="utf-8") as handle:
        target.write_text("".join(itertools.islice(handle, rows)), encoding="utf-8")
    return target


def head_csv(source: Path, target: Path, rows: int) -> Path:
    csv.field_size_limit(64 * 1024 * 1024)
    with source.open(encoding="utf-8", newline="") as handle, target.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(itertools.islice(csv.reader(handle), rows + 1))  # the header and `rows` rows
    return target


def cached_settings(name: str, settings: Settings, *, icecat_rows: int = 0, toy_rows: int = 0) -> Settings:
    """`settings` with a home under the cache whose catalog holds the first rows of the shared files."""
    home = CACHE / name
    data = home / "data"
    data.mkdir(parents=True, exist_ok=True)
    files = []
    if icecat_rows:
        files.append(head_jsonl(ICECAT, data / "icecat.jsonl", icecat_rows))
    if toy_rows:
        files.append(head_csv(AMAZON_TOYS, data / "toys.csv", toy_rows))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    cached = settings.model_copy(update={"home": home})
    models = home / "models"
    if not models.exists():
        settings.models_path.mkdir(parents=True, exist_ok=True)
        models.symlink_to(settings.models_path.resolve())
    marker = home / "ingested.json"
    if marker.is_file() and json.loads(marker.read_text())["digest"] == digest:
        return cached
    from retrieval.catalog import Catalog

    started = time.perf_counter()
    report = Catalog.open(cached).ingest_products(files)
    marker.write_text(json.dumps({"digest": digest, "products": report.added + report.updated + report.unchanged,
                                  "seconds": round(time.perf_counter() - started, 1)}), encoding="utf-8")
    print(f"cached catalog {name}: {report.summary() if hasattr(report, 'summary') else report}", flush=True)
    return cached

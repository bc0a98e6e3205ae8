"""Ingestion throughput against a bare sentence-transformers `encode` of the same texts, in one run.

    .venv/bin/python -m bench.ingest [ROWS]        (default 256 Icecat rows)

copydesk's ingest = read the file, build the texts, hash, skip-check against Chroma, embed, upsert.
Bare = `SentenceTransformer.encode(texts, batch_size=settings.embed_batch_size)` of exactly the texts
copydesk embeds. The machine is shared, so bare is timed before AND after the ingest and the ratio uses
their mean. Target: ingest throughput >= 0.85 x bare.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bench._common import ICECAT, machine, timed, write_result  # noqa: E402


def main(rows: int) -> None:
    from copydesk.settings import Settings
    from retrieval.catalog import Catalog
    from retrieval.documents import embed_text
    from retrieval.embeddings import Embedder
    from retrieval.readers import read_products

    info = machine()
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "icecat.jsonl"
        with ICECAT.open(encoding="utf-8") as source:
            sample.write_text("".join(itertools.islice(source, rows)), encoding="utf-8")
        settings = Settings(home=Path(tmp) / "home", _env_file=None)
        embedder = Embedder.from_settings(settings)
        texts = [embed_text(p) for p in read_products(sample)]
        model = embedder._model  # the bare sentence-transformers model, same weights and batch size
        model.encode(texts[:32], batch_size=settings.embed_batch_size)  # warm-up (first call allocates)

        def bare() -> None:
            model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True,
                         convert_to_numpy=True, show_progress_bar=False)

        _, bare_before = timed(bare)
        catalog = Catalog.open(settings, embedder)
        report, ingest_s = timed(catalog.ingest_products, [sample])
        _, bare_after = timed(bare)
        _, reingest_s = timed(catalog.ingest_products, [sample])
    bare_s = (bare_before + bare_after) / 2
    write_result("ingest", {
        "benchmark": "ingest",
        "rows": rows,
        "products_added": report.added,
        "mean_text_chars": round(sum(map(len, texts)) / len(texts), 1),
        "batch_size": settings.embed_batch_size,
        "bare_encode_s": {"before": round(bare_before, 2), "after": round(bare_after, 2), "mean": round(bare_s, 2)},
        "ingest_s": round(ingest_s, 2),
        "bare_texts_per_s": round(len(texts) / bare_s, 2),
        "ingest_products_per_s": round(report.added / ingest_s, 2),
        "throughput_ratio": round(bare_s / ingest_s, 3),
        "target_ratio": 0.85,
        "reingest_unchanged_s": round(reingest_s, 2),
        "machine": info,
    })


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 256)

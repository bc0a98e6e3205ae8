"""Query latency with 1k, 10k and 100k products: semantic search (query embedding included), the vector
query alone, and exact SKU / EAN lookups, p50/p95; the bare query embedding is the baseline.

    .venv/bin/python -m bench.query [SIZES]        (default 1000,10000,100000)

The stores hold real Icecat products: BASE rows are embedded for real; larger stores are replicas of
those rows (new SKUs and EANs, the same product JSON) whose vectors are the real ones plus a little
noise, precomputed, so building 100k products costs Chroma's insert time, not 100k embeddings.
Targets: search p95 <= 30 ms including the query's embedding; exact SKU lookup p95 <= 5 ms.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bench._common import ICECAT, machine, percentiles, timed, write_result  # noqa: E402

BASE = 500
QUERIES = [
    "27 inch 4K monitor", "black toner cartridge for a laser printer", "USB-C to HDMI cable 2 m",
    "wireless mouse", "17 inch laptop with 8 GB memory", "electric kettle 1.7 litre", "HP ink cartridge cyan",
    "ethernet patch cable cat6", "noise cancelling headphones", "server rack power supply",
    "privacy filter for a 15.6 inch screen", "android smartphone dual sim", "laser printer duplex",
    "keyboard with UK layout", "external hard drive 2 TB", "projector lamp", "surge protector 8 outlets",
    "memory module DDR4 16GB", "webcam full hd", "label tape for a label printer",
]
REPEATS = 3  # each query text is run this many times per store (60 samples)


def build_store(catalog, products, vectors, size: int) -> None:
    """Upsert `size` products: the real ones first, then replicas with perturbed vectors."""
    import numpy as np

    from retrieval.documents import content_hash, embed_text, product_metadata

    rng = np.random.default_rng(0)
    base = np.asarray(vectors, dtype=np.float32)
    batch = 2000
    for start in range(catalog.products.count(), size, batch):
        stop = min(size, start + batch)
        ids, embeddings, documents, metadatas = [], [], [], []
        for i in range(start, stop):
            original = products[i % len(products)]
            product = original if i < len(products) else original.model_copy(
                update={"sku": f"{original.sku}-r{i}", "ean": [f"9{i:012d}"]})
            vector = base[i % len(products)]
            if i >= len(products):
                vector = vector + rng.normal(0, 0.02, vector.shape).astype(np.float32)
                vector /= np.linalg.norm(vector)
            ids.append(product.sku)
            embeddings.append(vector.tolist())
            documents.append(embed_text(product))
            metadatas.append(product_metadata(product, content_hash(product)))
        catalog.products.upsert(ids=ids, embeddings=embeddings, documents=documents, metadatas=metadatas)


def measure(catalog, products, size: int) -> dict:
    embedder = catalog.embedder
    texts = QUERIES * REPEATS
    embed_s, search_s, vector_s, sku_s, ean_s, resolve_s = [], [], [], [], [], []
    for text in texts:
        vector, t = timed(embedder.embed_one, text)
        embed_s.append(t)
        _, t = timed(catalog.products.query, query_embeddings=[vector], n_results=10, include=["metadatas", "distances"])
        vector_s.append(t)
        _, t = timed(catalog.search, text, 10)
        search_s.append(t)
    for i in range(len(texts)):
        # Half real SKUs, half replicas spread over the whole store (replica j copies products[j % BASE]).
        j = (i * 7919) % size if i % 2 else (i * 37) % len(products)
        product = products[j % len(products)]
        sku = product.sku if j < len(products) else f"{product.sku}-r{j}"
        found, t = timed(catalog.get, sku)
        assert found is not None, sku
        sku_s.append(t)
        if product.ean:
            _, t = timed(catalog.products.get, where={"eans": {"$contains": product.ean[0]}}, include=["metadatas"])
            ean_s.append(t)
        _, t = timed(catalog.resolve, product.sku)
        resolve_s.append(t)
    search = percentiles(search_s)
    embed = percentiles(embed_s)
    return {
        "products": catalog.products.count(),
        "search_with_query_embedding": search,
        "bare_query_embedding": embed,
        "vector_query_only": percentiles(vector_s),
        "exact_sku_get": percentiles(sku_s),
        "ean_where_contains": percentiles(ean_s) if ean_s else None,
        "resolve_by_sku": percentiles(resolve_s),
        "search_over_bare_embedding_p50": round(search["p50_ms"] / embed["p50_ms"], 3),
        "meets_search_p95_30ms": search["p95_ms"] <= 30.0,
        "meets_sku_p95_5ms": percentiles(sku_s)["p95_ms"] <= 5.0,
    }


def main(sizes: list[int]) -> None:
    from copydesk.settings import Settings
    from retrieval.catalog import Catalog
    from retrieval.documents import embed_text
    from retrieval.embeddings import Embedder
    from retrieval.readers import read_products

    info = machine()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "home", _env_file=None)
        embedder = Embedder.from_settings(settings)
        sample = Path(tmp) / "icecat.jsonl"
        with ICECAT.open(encoding="utf-8") as source:
            sample.write_text("".join(itertools.islice(source, BASE)), encoding="utf-8")
        products = [p for p in read_products(sample)]
        started = time.perf_counter()
        vectors = embedder.embed([embed_text(p) for p in products])
        embed_base_s = time.perf_counter() - started
        catalog = Catalog.open(settings, embedder)
        embedder.embed_one("warm-up")
        for size in sorted(sizes):
            _, build_s = timed(build_store, catalog, products, vectors, size)
            print(f"store of {size}: built in {build_s:.1f} s; measuring", flush=True)
            row = measure(catalog, products, size)
            row["build_s"] = round(build_s, 1)
            results.append(row)
            print(row, flush=True)
    write_result("query", {
        "benchmark": "query",
        "base_products_embedded": len(products),
        "base_embedding_s": round(embed_base_s, 1),
        "queries": len(QUERIES) * REPEATS,
        "stores": results,
        "targets": {"search_p95_ms": 30, "sku_p95_ms": 5},
        "machine": info,
    })


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [1000, 10000, 100000])

"""Product ingestion: read -> skip unchanged (content hash) -> embed -> one upsert per batch.

Within one ingest run the FIRST row with a given SKU wins; later rows with that SKU are reported as
duplicates and skipped (re-running the same file then reports them again but changes nothing).
Across runs a SKU is updated in place when its content changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from copydesk.domain import Product, SourceRef
from retrieval.documents import (HASH_KEY, PRODUCT_KEY, SOURCE_KEY, content_hash, embed_text,
                                 product_from_metadata, product_metadata)
from retrieval.embeddings import Embedder
from retrieval.readers import ColumnMapping, RowError, read_products
from retrieval.report import IngestReport, RowProblem

Advance = Callable[[int], None]


def _records(paths: list[Path], mapping: ColumnMapping | None) -> Iterator[Product | RowError]:
    # Open every file first: a file that cannot be read at all fails the run before anything is written.
    readers = [read_products(path, mapping) for path in paths]
    for reader in readers:
        yield from reader


def _batches(items: Iterable[Product], size: int) -> Iterator[list[Product]]:
    batch: list[Product] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_batch(collection: Any, embedder: Embedder, batch: list[Product], report: IngestReport) -> None:
    digests = [content_hash(p) for p in batch]
    stored = collection.get(ids=[p.sku for p in batch], include=["metadatas", "documents"])
    known = {i: (m or {}, d) for i, m, d in zip(stored["ids"], stored["metadatas"], stored["documents"])}
    fresh: list[tuple[Product, str]] = []
    moved: list[tuple[Product, str]] = []  # same content, read from another file or row: new metadata only
    for product, digest in zip(batch, digests):
        metadata, document = known.get(product.sku, ({}, None))
        if metadata.get(HASH_KEY) == digest:
            if metadata.get(SOURCE_KEY) != str(product.source or ""):
                moved.append((product, digest))
        elif metadata and _stored_digest(metadata, document) == digest:
            moved.append((product, digest))  # stored under an older kind of hash
        else:
            fresh.append((product, digest))
    report.unchanged += len(batch) - len(fresh)
    if moved:
        collection.update(ids=[p.sku for p, _ in moved], metadatas=[product_metadata(p, d) for p, d in moved])
    if not fresh:
        return
    texts = [embed_text(p) for p, _ in fresh]
    vectors = embedder.embed(texts)
    # One upsert carries vector, text and the full product JSON of every product in the batch.
    collection.upsert(
        ids=[p.sku for p, _ in fresh],
        embeddings=vectors,
        documents=texts,
        metadatas=[product_metadata(p, d) for p, d in fresh],
    )
    for product, _ in fresh:
        if product.sku in known:
            report.updated += 1
        else:
            report.added += 1


def _stored_digest(metadata: dict[str, Any], document: str | None) -> str | None:
    """The content hash of what is stored: its product and the text its vector was made from."""
    if PRODUCT_KEY not in metadata or document is None:
        return None
    return content_hash(product_from_metadata(metadata), document)


def ingest_products(collection: Any, embedder: Embedder, paths: list[Path], mapping: ColumnMapping | None,
                    batch_size: int, advance: Advance | None = None) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport(kind="products", files=[str(p) for p in paths])
    first_seen: dict[str, str] = {}

    def unique_products() -> Iterator[Product]:
        for item in _records(paths, mapping):
            if isinstance(item, RowError):
                report.errors.append(RowProblem(file=item.file, line=item.line, reason=item.reason))
                continue
            report.read += 1
            source = item.source or SourceRef(file="?")  # every reader sets it; the fallback keeps typing honest
            if item.sku in first_seen:
                reason = f"SKU {item.sku!r} already read at {first_seen[item.sku]}; the first row wins, this one is skipped"
                report.duplicates.append(RowProblem(file=source.file, line=source.row or 0, reason=reason))
                continue
            first_seen[item.sku] = str(source)
            report.withheld += [RowProblem(file=source.file, line=source.row or 0,
                                           reason=f"SKU {item.sku}: {r.reason}; kept out of the facts")
                                for r in item.removed if r.kind == "instructions"]
            report.cleaned += any(r.kind != "instructions" for r in item.removed)
            yield item

    for batch in _batches(unique_products(), batch_size):
        write_batch(collection, embedder, batch, report)
        if advance:
            advance(len(batch))
    report.seconds = time.perf_counter() - started
    return report

"""Writing and reading style guides in Chroma: chunks (embedded) and each brand's rules (one record)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from copydesk.domain import BrandRules, SourceRef, StyleChunk
from copydesk.errors import InputError
from retrieval.documents import normalise
from retrieval.embeddings import Embedder
from retrieval.report import IngestReport
from retrieval.styles.parse import guide_files, parse_guide

RULES_VECTOR = [1.0]  # the brands collection is looked up by id only; Chroma still wants a vector


def brand_key(brand: str) -> str:
    key = normalise(brand)
    if not key:
        raise InputError("A brand name is needed.", hint="Pass --brand NAME.")
    return key


def ingest_styles(chunks_collection: Any, brands_collection: Any, embedder: Embedder, path: Path,
                  brand: str) -> IngestReport:
    started = time.perf_counter()
    key = brand_key(brand)
    files = guide_files(path)
    report = IngestReport(kind="styles", files=[str(f) for f in files])
    root = path if path.is_dir() else path.parent
    chunks: list[StyleChunk] = []
    merged_rules: dict[str, Any] = {}
    for file in files:
        guide = parse_guide(file)
        report.notes.extend(guide.notes)
        merged_rules.update(guide.rules)
        relative = file.relative_to(root).as_posix()
        for index, (heading, text, line) in enumerate(guide.sections):
            chunks.append(StyleChunk(id=f"{key}:{relative}#{index}", brand=brand, heading=heading, text=text,
                                     source=SourceRef(file=str(file), row=line)))
    report.read = len(chunks)
    if not chunks:
        raise InputError(f"{path} holds no text to ingest.", hint="Check the guide has prose, not only markup.")

    existing = chunks_collection.get(where={"brand_key": key}, include=["metadatas"])
    old = {i: (m or {}) for i, m in zip(existing["ids"], existing["metadatas"])}
    fresh = [c for c in chunks if old.get(c.id, {}).get("text_hash") != _hash(c)]
    report.unchanged = len(chunks) - len(fresh)
    if fresh:
        texts = [f"{c.heading}\n{c.text}" for c in fresh]
        chunks_collection.upsert(
            ids=[c.id for c in fresh],
            embeddings=embedder.embed(texts),
            documents=[c.text for c in fresh],
            metadatas=[_chunk_metadata(c, key) for c in fresh],
        )
        report.added = sum(c.id not in old for c in fresh)
        report.updated = len(fresh) - report.added
    # Chunks of these same files that the new version no longer has (a heading was removed).
    ingested = {str(f) for f in files}
    stale = [i for i, m in old.items() if m.get("file") in ingested and i not in {c.id for c in chunks}]
    if stale:
        chunks_collection.delete(ids=stale)
        report.removed = len(stale)
    _save_brand(brands_collection, brand, key, merged_rules, report)
    report.seconds = time.perf_counter() - started
    return report


def _hash(chunk: StyleChunk) -> str:
    return hashlib.sha256(chunk.model_dump_json().encode("utf-8")).hexdigest()[:32]


def _chunk_metadata(chunk: StyleChunk, key: str) -> dict[str, Any]:
    return {"brand": chunk.brand, "brand_key": key, "heading": chunk.heading, "file": chunk.source.file,
            "line": chunk.source.row or 0, "text_hash": _hash(chunk)}


def _save_brand(brands_collection: Any, brand: str, key: str, rules: dict[str, Any], report: IngestReport) -> None:
    """Front matter rules replace the brand's rules; a guide without any keeps the earlier ones."""
    got = brands_collection.get(ids=[key], include=["metadatas"])
    if not rules and got["ids"]:
        report.notes.append("these files have no front-matter rules; the brand's earlier rules are kept")
        rules = json.loads(got["metadatas"][0]["rules"])
    validated = BrandRules.model_validate(rules)
    brands_collection.upsert(ids=[key], embeddings=[RULES_VECTOR], documents=[brand],
                             metadatas=[{"brand": brand, "rules": validated.model_dump_json()}])


def chunk_from(chunk_id: str, text: str, metadata: dict[str, Any]) -> StyleChunk:
    return StyleChunk(id=chunk_id, brand=metadata["brand"], heading=metadata["heading"], text=text,
                      source=SourceRef(file=metadata["file"], row=metadata.get("line") or None))

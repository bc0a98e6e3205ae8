"""The Chroma client and collection names: embedded (PersistentClient) or a server (HttpClient).

Chroma opens a store that is gone as a new, empty one. So after each ingest the counts are written beside
the state (COPYDESK_HOME), and a catalog that opens with fewer records than that says so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from copydesk.errors import ConfigError
from copydesk.settings import Settings


def chroma_client(settings: Settings) -> Any:
    """A Chroma client for `settings`: a server when COPYDESK_CHROMA_HOST is set, else the store under home."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
        except Exception as error:  # noqa: BLE001 - connection problems come in many types
            raise ConfigError(
                f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({error}).",
                hint="Start it (`chroma run --path DIR --port N`) or unset COPYDESK_CHROMA_HOST to use the embedded store.",
            ) from error
        return client
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def collection_names(settings: Settings) -> tuple[str, str, str]:
    """(products, style chunks, brand rules) collection names; Chroma wants 3-512 chars of [a-zA-Z0-9._-]."""
    prefix = settings.collection_prefix
    return f"{prefix}_products", f"{prefix}_style_chunks", f"{prefix}_brands"


def store_address(settings: Settings) -> str:
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_path)


def _counts_file(settings: Settings) -> Path:
    return settings.home / f"{settings.collection_prefix}-catalog-counts.json"


def record_counts(settings: Settings, counts: dict[str, int]) -> None:
    """Remember what the store holds after an ingest (written whole: a crash leaves the old file)."""
    path = _counts_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"store": store_address(settings), "counts": counts}), encoding="utf-8")
    os.replace(temporary, path)


def missing_records(settings: Settings, counts: dict[str, int]) -> str | None:
    """What is missing when the store holds fewer records than the last ingest left, else None."""
    try:
        expected = json.loads(_counts_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # never ingested here, or unreadable: nothing to compare with
    if not isinstance(expected, dict) or expected.get("store") != store_address(settings):
        return None  # the counts are of another store (COPYDESK_CHROMA_HOST changed)
    short = [f"{counts.get(name, 0)} of {want} {name}" for name, want in (expected.get("counts") or {}).items()
             if isinstance(want, int) and counts.get(name, 0) < want]
    if not short:
        return None
    return (f"The catalog store at {store_address(settings)} holds only {', '.join(short)} that the last ingest "
            "left: it was deleted or emptied, and Chroma opened an empty one in its place. Restore it from a "
            "backup, or ingest the products and style guides again (copydesk ingest products FILE).")

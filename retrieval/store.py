"""The Chroma client and collection names: embedded (PersistentClient) or a server (HttpClient)."""

from __future__ import annotations

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

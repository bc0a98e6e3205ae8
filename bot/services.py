"""The composition root: heavy things (Chroma client, models, pipelines, SQLite) created once per process.

Every transport (CLI, Slack, terminal chat) and the benchmarks get their collaborators from here;
tests build `Services` with tiny settings (or hand in their own pieces) instead.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING

from copydesk.settings import Settings

if TYPE_CHECKING:  # imported lazily below: `copydesk --help` must not load torch or chromadb
    from chains.drafting import CopyChain
    from copydesk.state.db import Database
    from copydesk.state.drafts import DraftStore
    from chains.images.service import ImageService
    from generators.images.pipeline import ImageGenerator
    from generators.text.base import TextGenerator
    from retrieval.catalog import Catalog


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._image_generator: ImageGenerator | None = None

    @cached_property
    def catalog(self) -> Catalog:
        from retrieval.catalog import Catalog

        return Catalog.open(self.settings)

    @cached_property
    def text_generator(self) -> TextGenerator:
        from generators.text.factory import load_text_generator

        return load_text_generator(self.settings)

    @cached_property
    def database(self) -> Database:
        """The state database (SQLite under home, or COPYDESK_DATABASE_URL), migrated on first use."""
        from copydesk.state.factory import open_database

        self.settings.home.mkdir(parents=True, exist_ok=True)
        return open_database(self.settings)

    @cached_property
    def drafts(self) -> DraftStore:
        from copydesk.state.drafts import DraftStore

        return DraftStore(self.database)

    @cached_property
    def copy_chain(self) -> CopyChain:
        from chains.drafting import CopyChain

        return CopyChain(self.catalog, self.text_generator, self.drafts, self.settings)

    def image_generator(self) -> ImageGenerator:
        """Loaded on the first image request only: most teams draft far more than they render."""
        with self._lock:
            if self._image_generator is None:
                from generators.images.pipeline import load_image_generator

                self._image_generator = load_image_generator(self.settings)
            return self._image_generator

    @cached_property
    def image_service(self) -> ImageService:
        from chains.images.service import ImageService

        text_generator = self.text_generator if self.settings.image_prompt_with_llm else None
        return ImageService(self.catalog, self.image_generator, text_generator, self.settings)

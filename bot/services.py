"""The composition root: heavy things (Chroma client, models, pipelines, SQLite) created once per process.

Every transport (CLI, Slack, terminal chat) and the benchmarks get their collaborators from here;
tests build `Services` with tiny settings (or hand in their own pieces) instead.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from typing import TYPE_CHECKING

from copydesk.settings import Settings

if TYPE_CHECKING:  # imported lazily below: `copydesk --help` must not load torch or chromadb
    from chains.drafting import CopyChain
    from copydesk.state.db import Database
    from copydesk.state.bulk import BulkStore
    from copydesk.state.drafts import DraftStore
    from chains.images.service import ImageService
    from generators.images.pipeline import ImageGenerator
    from generators.text.base import TextGenerator
    from retrieval.catalog import Catalog


log = logging.getLogger("copydesk.bot")


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._image_generator: ImageGenerator | None = None
        self._chain_lock = threading.Lock()  # the copy chain is built and handed its model under this lock
        self.model_loading: threading.Thread | None = None

    @cached_property
    def catalog(self) -> Catalog:
        from retrieval.catalog import Catalog

        return Catalog.open(self.settings)

    @cached_property
    def text_generator(self) -> TextGenerator:
        """The text model, loaded on first use (blocking; the bot uses `load_text_generator_in_background`)."""
        from generators.text.factory import load_text_generator

        return load_text_generator(self.settings)

    def ready_text_generator(self) -> TextGenerator | None:
        """The text model if it is loaded, else None; never waits for it."""
        return self.__dict__.get("text_generator")

    def use_text_generator(self) -> TextGenerator:
        """Load the text model (blocking) and hand it to the copy chain, which drafts without it until then."""
        generator = self.text_generator
        with self._chain_lock:
            chain = self.__dict__.get("copy_chain")
            if chain is not None and chain.generator is None:
                chain.generator = generator
        return generator

    def warm_up_drafting(self) -> None:
        """Compose one first draft of a made-up product (nothing stored, no model): the realization's tables
        (patterns, word lists, the knowledge graph) load on first use, which took 22 s on the shared 2-core
        CPU (bench/results/first_draft.json), so the bot pays it at start instead of its first request."""
        from copydesk.domain import Product

        product = Product(sku="warm-up", title="Warm-up kettle", brand="Acme", category="Kitchen",
                          attributes={"Colour": "Black", "Capacity": "1.7 l", "Weight": "1.2 kg"})
        self.copy_chain.compose(product, use_model=False)

    def load_text_generator_in_background(self) -> threading.Thread:
        """Start loading the text model on a thread of its own (the bot at start): requests never wait for it,
        and until it is loaded drafts are first drafts only. A failure is logged; polishing stays off."""
        with self._lock:
            if self.model_loading is None:
                def load() -> None:
                    try:
                        self.use_text_generator()
                    except Exception:  # noqa: BLE001 - first drafts go on without the model
                        log.exception("the text model could not be loaded; drafts stay first drafts")

                self.model_loading = threading.Thread(target=load, name="copydesk-model-load", daemon=True)
                self.model_loading.start()
            return self.model_loading

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
    def bulk(self) -> BulkStore:
        from copydesk.state.bulk import BulkStore

        return BulkStore(self.database)

    @property
    def copy_chain(self) -> CopyChain:
        """The copy chain, with the text model once it is loaded (`use_text_generator`): building it never
        loads the model, so a first draft never waits for one."""
        with self._chain_lock:
            chain = self.__dict__.get("copy_chain")
            if chain is None:
                from chains.drafting import CopyChain

                chain = CopyChain(self.catalog, self.ready_text_generator(), self.drafts, self.settings)
                self.__dict__["copy_chain"] = chain
            return chain

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

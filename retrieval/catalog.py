"""The Catalog: products and brand style guides in Chroma, behind the API chains/ and the CLI use."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copydesk.domain import BrandRules, Product, ProductMatch, Resolution, StyleChunk, StyleGuide
from copydesk.errors import AmbiguousError, ConfigError, InputError, NotFoundError
from copydesk.settings import Settings
from retrieval import resolve as resolving
from retrieval.documents import normalise, product_from_metadata
from retrieval.embeddings import Embedder
from retrieval.ingest import ingest_products
from retrieval.readers import ColumnMapping
from retrieval.report import IngestReport
from retrieval.store import chroma_client, collection_names, missing_records, record_counts
from retrieval.styles.store import brand_key, chunk_from, ingest_styles

_SPACE = {"hnsw:space": "cosine"}  # scores are 1 - cosine distance
_PAGE = 2000  # records per Chroma call when reading many (its SQLite allows ~32k variables a query)
logger = logging.getLogger(__name__)


class Catalog:
    def __init__(self, client: Any, embedder: Embedder, settings: Settings) -> None:
        self.client = client
        self.embedder = embedder
        self.settings = settings
        products, chunks, brands = collection_names(settings)
        # embedding_function=None: vectors always come from `embedder`, never from Chroma's default model.
        metadata = {**_SPACE, "embedding_model": embedder.name}
        self.products = client.get_or_create_collection(products, metadata=metadata, embedding_function=None)
        self.chunks = client.get_or_create_collection(chunks, metadata=metadata, embedding_function=None)
        self.brand_rules = client.get_or_create_collection(brands, embedding_function=None)
        for collection in (self.products, self.chunks):
            built_with = (collection.metadata or {}).get("embedding_model")
            if built_with and built_with != embedder.name:
                raise ConfigError(
                    f"The collection {collection.name!r} was embedded with {built_with!r}, "
                    f"but COPYDESK_EMBEDDING_MODEL is {embedder.name!r}; their vectors do not mix.",
                    hint="Use the same model, or a new COPYDESK_HOME / COPYDESK_COLLECTION_PREFIX and ingest again.",
                )
        # Shown by whoever opened the catalog (the bot at start-up, the CLI); None when the store is whole.
        self.store_warning = missing_records(settings, self._counts())
        if self.store_warning:
            logger.warning(self.store_warning)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "Catalog":
        return cls(chroma_client(settings), embedder or Embedder.from_settings(settings), settings)

    def _counts(self) -> dict[str, int]:
        return {"products": self.products.count(), "style chunks": self.chunks.count(),
                "brands": self.brand_rules.count()}

    def _ingested(self, report: IngestReport) -> IngestReport:
        record_counts(self.settings, self._counts())
        return report

    # --- products ---------------------------------------------------------------
    def ingest_products(self, paths: list[Path], mapping: ColumnMapping | None = None,
                        progress: bool = False) -> IngestReport:
        paths = [Path(p) for p in paths]
        # Several embedding batches per write: sentence-transformers sorts texts by length within a call,
        # so bigger calls pad less (measured in bench.ingest); one upsert per call keeps products whole.
        batch = max(self.settings.embed_batch_size, 32) * 8
        if not progress:
            return self._ingested(ingest_products(self.products, self.embedder, paths, mapping, batch))
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        total = sum(_count_lines(p) for p in paths)
        columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("products", total=total)
            advance: Callable[[int], None] = lambda n: bar.advance(task, n)  # noqa: E731
            report = ingest_products(self.products, self.embedder, paths, mapping, batch, advance)
            bar.update(task, total=report.read, completed=report.read)
        return self._ingested(report)

    def count(self) -> int:
        return self.products.count()

    def get(self, sku: str) -> Product | None:
        got = self.products.get(ids=[sku], include=["metadatas"])
        return product_from_metadata(got["metadatas"][0]) if got["ids"] else None

    def get_many(self, skus: list[str]) -> dict[str, Product]:
        """Products by exact SKU in one lookup (bulk drafting); SKUs the catalog lacks are left out."""
        found: dict[str, Product] = {}
        for start in range(0, len(skus), _PAGE):
            got = self.products.get(ids=list(dict.fromkeys(skus[start:start + _PAGE])), include=["metadatas"])
            found.update((i, product_from_metadata(m)) for i, m in zip(got["ids"], got["metadatas"]))
        return found

    def in_category(self, name: str) -> list[Product]:
        """Products whose category path contains `name`, in any case ("model trains" finds "Hobbies > Model
        Trains & Railway Sets > ..."), in store order. Chroma matches metadata strings only whole, so this
        reads the category of every product, a page at a time."""
        wanted = normalise(name)
        found: list[Product] = []
        for start in range(0, self.count(), _PAGE):
            got = self.products.get(include=["metadatas"], limit=_PAGE, offset=start)
            found += [product_from_metadata(m) for m in got["metadatas"]
                      if wanted and wanted in normalise(str(m.get("category") or ""))]
        return found

    def search(self, query: str, limit: int = 10) -> list[ProductMatch]:
        if not query.strip() or limit < 1:
            return []
        found = self.products.query(query_embeddings=[self.embedder.embed_one(query)], n_results=limit,
                                    include=["metadatas", "distances"])
        return [
            ProductMatch(product=product_from_metadata(m), score=round(1.0 - d, 4), matched_on="semantic")
            for m, d in zip(found["metadatas"][0], found["distances"][0])
        ]

    def resolve(self, reference: str, limit: int = 5) -> Resolution:
        return resolving.resolve(self.products, self.search, reference, limit)

    def product(self, reference: str) -> Product:
        """The one product a reference names: the single place a resolution becomes an error.
        AmbiguousError carries the candidates (the bot turns them into buttons); NotFoundError the closest."""
        reference = reference.strip()
        if not reference:
            raise InputError("Say which product: a SKU, EAN, model number or product name.")
        resolution = self.resolve(reference)
        if resolution.status == "found" and resolution.product is not None:
            return resolution.product
        if resolution.status == "ambiguous":
            names = "; ".join(f"{m.product.sku} ({m.product.title[:60]})" for m in resolution.candidates[:5])
            raise AmbiguousError(f"{reference!r} matches several products: {names}.", resolution.candidates,
                                 hint="Repeat the request with one of these SKUs.")
        raise NotFoundError(f"No product in the catalog matches {reference!r}.", candidates=resolution.candidates,
                            hint="Check the SKU or EAN, or find it with `copydesk search QUERY`.")

    # --- style guides -------------------------------------------------------------
    def ingest_styles(self, path: Path, brand: str) -> IngestReport:
        return self._ingested(ingest_styles(self.chunks, self.brand_rules, self.embedder, Path(path), brand))

    def brands(self) -> list[str]:
        got = self.brand_rules.get(include=["metadatas"])
        return sorted((m["brand"] for m in got["metadatas"]), key=str.casefold)

    def style_guide(self, brand: str) -> StyleGuide:
        key = self._known_brand(brand)
        rules_meta = self.brand_rules.get(ids=[key], include=["metadatas"])["metadatas"][0]
        got = self.chunks.get(where={"brand_key": key}, include=["documents", "metadatas"])
        chunks = [chunk_from(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        chunks.sort(key=lambda c: (c.source.file, c.source.row or 0, c.id))
        return StyleGuide(brand=rules_meta["brand"], rules=BrandRules.model_validate(json.loads(rules_meta["rules"])),
                          chunks=chunks)

    def style_chunks(self, brand: str, query: str, limit: int = 3) -> list[StyleChunk]:
        key = self._known_brand(brand)
        if limit < 1:
            return []
        found = self.chunks.query(query_embeddings=[self.embedder.embed_one(query or brand)], n_results=limit,
                                  where={"brand_key": key}, include=["documents", "metadatas"])
        return [chunk_from(i, d, m) for i, d, m in zip(found["ids"][0], found["documents"][0], found["metadatas"][0])]

    def _known_brand(self, brand: str) -> str:
        key = brand_key(brand)
        if not self.brand_rules.get(ids=[key], include=[])["ids"]:
            known = ", ".join(self.brands()) or "none yet"
            raise NotFoundError(
                f"No style guide for brand {brand!r} (known brands: {known}).",
                hint=f"Ingest one: copydesk ingest styles PATH --brand {brand}",
            )
        return key


def _count_lines(path: Path) -> int:
    """Rows to expect, for the progress bar (a header line and multi-line CSV cells make it approximate)."""
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0

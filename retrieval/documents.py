"""How a Product is stored in Chroma: the text that is embedded, its metadata, and a content hash.

The whole Product is kept as JSON in the metadata, so one upsert writes a product completely (an
interrupted ingest never leaves half a product) and `get` returns it whole. Only the embedded text is
capped: a row with thousands of attributes is stored in full but embedded by its first few.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from copydesk.domain import Product

MAX_EMBED_CHARS = 320  # ~80 word pieces: title, identity and the first facts; longer texts embed much slower
MAX_DESCRIPTION_CHARS = 160
MAX_ATTRIBUTES = 12

PRODUCT_KEY = "product"
HASH_KEY = "content_hash"
SOURCE_KEY = "source"  # file:row it was last read from, kept apart so a move is seen without parsing the JSON


def normalise(text: str) -> str:
    """The key exact lookups compare: case-insensitive, whitespace collapsed."""
    return " ".join(text.casefold().split())


def embed_text(product: Product) -> str:
    """Title first (it carries most of the meaning), then identity, description and attributes."""
    parts = [product.title]
    identity = [v for v in (product.brand, product.category, product.model) if v]
    if identity:
        parts.append(" | ".join(identity))
    if product.description:
        parts.append(product.description[:MAX_DESCRIPTION_CHARS])
    attributes = [f"{k}: {v}" for k, v in list(product.attributes.items())[:MAX_ATTRIBUTES]]
    if attributes:
        parts.append("; ".join(attributes))
    return "\n".join(parts)[:MAX_EMBED_CHARS]


def content_hash(product: Product, text: str | None = None) -> str:
    """Changes when the product or the text it is embedded by (`text`, else embed_text) changes.

    Where it was read from (file and row) is left out: the same content read by another path, or with
    the rows in another order, is not embedded again (for the Icecat file that was 74 minutes).
    """
    text = embed_text(product) if text is None else text
    payload = product.model_dump_json(exclude={"source"}) + "\n" + text
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def product_metadata(product: Product, digest: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "sku_key": normalise(product.sku),
        "title_key": normalise(product.title),
        HASH_KEY: digest,
        SOURCE_KEY: str(product.source or ""),
        PRODUCT_KEY: product.model_dump_json(),
    }
    if product.model:
        metadata["model_key"] = normalise(product.model)
    if product.brand:
        metadata["brand"] = product.brand
    if product.category:
        metadata["category"] = product.category
    if product.ean:
        metadata["eans"] = list(dict.fromkeys(product.ean))  # Chroma array metadata: `$contains` lookups
    return metadata


def product_from_metadata(metadata: dict[str, Any]) -> Product:
    return Product.model_validate(json.loads(metadata[PRODUCT_KEY]))

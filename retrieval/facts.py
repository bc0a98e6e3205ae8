"""A product's catalog statements as numbered facts (F1, F2, ...), the unit drafts cite."""

from __future__ import annotations

from copydesk.domain import Fact, Product
from retrieval.knowledge import with_unit


def facts_for(product: Product, *, include_description: bool = True) -> list[Fact]:
    """Numbered facts in a stable order: identity first, then attributes, then the catalog description."""
    pairs: list[tuple[str, str, str]] = [("Product", product.title, "title")]
    if product.brand:
        pairs.append(("Brand", product.brand, "brand"))
    if product.model:
        pairs.append(("Model", product.model, "model"))
    if product.category:
        pairs.append(("Category", product.category, "category"))
    for name, value in product.attributes.items():
        if value is not None and str(value).strip():
            pairs.append((name, shown_value(name, str(value).strip()), f"attr:{name}"))
    if include_description and product.description:
        pairs.append(("Description", product.description.strip(), "description"))
    return [
        Fact(id=f"F{i}", name=name, value=value, source_id=f"{product.source_id}#{field}")
        for i, (name, value, field) in enumerate(pairs, start=1)
    ]


def shown_value(name: str, value: str) -> str:
    """A bare catalog number with the unit the knowledge graph gives its attribute ("Processor frequency",
    "2.66" -> "2.66 GHz"), so the facts panel, the verifier and copy read the same unit. Unchanged when the
    value carries its own unit, counts things ("USB 2.0 ports quantity: 4"), or has no known unit."""
    shown = with_unit(name, value)
    return value if shown is None else shown

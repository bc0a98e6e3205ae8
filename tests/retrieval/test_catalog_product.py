"""Catalog.product: the one place a resolution becomes a product or an explicit error."""

from __future__ import annotations

import pytest

from copydesk.domain import Product, ProductMatch, Resolution
from copydesk.errors import AmbiguousError, InputError, NotFoundError
from retrieval.catalog import Catalog


class ScriptedCatalog:
    """A catalog whose resolver answers with a fixed Resolution."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution

    def resolve(self, reference: str, limit: int = 5) -> Resolution:
        return self.resolution


def test_not_found_and_ambiguous_references_are_explained():
    missing = ScriptedCatalog(Resolution(status="not_found", query="x"))
    with pytest.raises(NotFoundError, match="No product in the catalog matches 'x'") as not_found:
        Catalog.product(missing, "x")  # type: ignore[arg-type]  (only `resolve` is used)
    assert "`copydesk search QUERY`" in str(not_found.value)
    matches = [ProductMatch(product=Product(sku=s, title=f"HP laptop {s}"), score=0.8, matched_on="title") for s in "AB"]
    unsure = ScriptedCatalog(Resolution(status="ambiguous", query="HP", candidates=matches))
    with pytest.raises(AmbiguousError, match="A \\(HP laptop A\\); B") as raised:
        Catalog.product(unsure, "HP")  # type: ignore[arg-type]
    assert [m.product.sku for m in raised.value.candidates] == ["A", "B"]


def test_an_empty_reference_says_what_to_give():
    with pytest.raises(InputError, match="Say which product"):
        Catalog.product(ScriptedCatalog(Resolution(status="not_found", query="")), "  ")  # type: ignore[arg-type]

"""The product knowledge graph: attribute families, units and readable names shared by every reader,
as data (data/families.yaml, and data/icecat_numeric.yaml mined from the shared Icecat catalog)."""

from retrieval.knowledge.graph import (
    FAMILIES, UNITLESS, AttributeInfo, kind_heads, known_kind, lookup, mined_numeric, readable, rules, title_rate, with_unit,
)

__all__ = ["FAMILIES", "UNITLESS", "AttributeInfo", "kind_heads", "known_kind", "lookup", "mined_numeric", "readable", "rules", "title_rate", "with_unit"]

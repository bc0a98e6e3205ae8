"""The verifier's unit checks read the knowledge graph's unit table for catalog attributes (the hook in
chains/grounding/units.py: `knowledge_dimension`), the same table realized copy and the facts panel use."""

from __future__ import annotations

from chains.grounding import GroundingVerifier
from chains.grounding.units import implied_dimension
from copydesk.domain import Fact, Product


def test_a_bare_number_takes_the_dimension_of_its_attributes_unit() -> None:
    assert implied_dimension("Processor frequency") == "frequency"
    assert implied_dimension("Internal memory") == "data"
    assert implied_dimension("Black toner page yield") == "count"  # pages: not "age", not time


def test_a_bare_catalog_number_supports_its_unit_and_no_other_dimension() -> None:
    product = Product(sku="p", title="Intel processor")
    facts = [Fact(id="F1", name="Product", value="Intel processor", source_id="x"),
             Fact(id="F2", name="Processor frequency", value="2.13", source_id="x")]
    verifier = GroundingVerifier(product, facts)
    assert all(c.supported for c in verifier.claims("It runs at 2.13 GHz.", "bullet"))
    assert not all(c.supported for c in verifier.claims("It has 2.13 GB of memory.", "bullet"))

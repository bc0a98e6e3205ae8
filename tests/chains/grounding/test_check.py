"""`check_copy`: copy written elsewhere, checked sentence by sentence; plain text or a JSON draft; clear errors."""

from __future__ import annotations

import json

import pytest

from chains.grounding import VERIFIER_VERSION, check_copy, copy_parts
from copydesk.domain import Product
from copydesk.errors import InputError
from retrieval.facts import facts_for

KETTLE = Product(sku="k1", title="Acme Glass Kettle 1.7 l", brand="Acme",
                 attributes={"Capacity": "1.7 l", "Power": "2200 W", "Material": "Glass", "Colour": "Black"})


def test_every_sentence_has_a_verdict_and_its_claims() -> None:
    text = "A 1.7 l glass kettle in black. Boils in 30 seconds. A lovely addition to any kitchen."
    check = check_copy(KETTLE, facts_for(KETTLE), text)
    assert [s.supported for s in check.sentences] == [True, False, True]
    assert [s.sentence for s in check.unsupported] == ["Boils in 30 seconds."]
    first = check.to_json()["sentences"][0]
    facts = {c["text"]: c["facts"] for c in first["claims"]}
    assert "Capacity: 1.7 l" in [f["fact"] for f in facts["1.7 l"]]
    assert {c["kind"] for c in first["claims"]} >= {"number", "material", "colour"}
    second = check.to_json()["sentences"][1]
    assert not second["supported"] and all(c["reason"] for c in second["claims"] if not c["supported"])
    assert check.to_json()["verifier_version"] == VERIFIER_VERSION


def test_a_json_draft_is_checked_field_by_field() -> None:
    draft = {"title": "Acme Glass Kettle 1.7 l", "bullets": ["2200 W for a fast boil", "Made of steel"],
             "description": "A black kettle."}
    check = check_copy(KETTLE, facts_for(KETTLE), json.dumps(draft))
    assert [(s.field, s.supported) for s in check.sentences] == [
        ("title", True), ("bullet", True), ("bullet", False), ("description", True)]


@pytest.mark.parametrize("text, message", [("   ", "no copy"), ("{not json", "does not parse"),
                                           ('{"sku": "k1"}', "none of the fields")])
def test_bad_input_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        copy_parts(text)

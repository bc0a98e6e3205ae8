"""Training data: the polish's own prompts, targets filtered by the verifier, stable splits."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from chains.training_data.examples import shown_verifier, split_of, write_training_data
from chains.drafting import keeps_facts
from copydesk.domain import Fact
from generators.text.base import Generation
from generators.training.examples import read_examples
from retrieval.readers import read_products
from tests.fixtures.training_rows import write_icecat_rows


@pytest.fixture
def built(tmp_path: Path, settings):
    rows = write_icecat_rows(tmp_path / "icecat.jsonl", count=12)
    out = tmp_path / "data"
    report = write_training_data([rows], out, settings)
    return rows, out, report


def test_split_is_stable_and_roughly_80_10_10() -> None:
    assert split_of("5000") == split_of("5000")
    shares = Counter(split_of(f"sku-{i}") for i in range(2000))
    assert 1500 < shares["train"] < 1700 and 150 < shares["validation"] < 250 and 150 < shares["test"] < 250


def test_every_product_lands_in_one_split_and_files_are_written(built) -> None:
    rows, out, report = built
    by_split = {s: read_examples(out / f"{s}.jsonl") for s in ("train", "validation", "test")}
    for split, examples in by_split.items():
        assert all(e.meta["split"] == split == split_of(e.meta["sku"]) for e in examples)
    skus = [{e.meta["sku"] for e in examples} for examples in by_split.values()]
    assert not (skus[0] & skus[1] or skus[0] & skus[2] or skus[1] & skus[2])
    saved = json.loads((out / "report.json").read_text())
    assert saved["totals"] == {s: len(e) for s, e in by_split.items()}
    assert sum(report.products.values()) == 12


def test_targets_keep_only_sentences_the_shown_facts_support(built) -> None:
    _, out, report = built
    examples = [e for s in ("train", "validation", "test") for e in read_examples(out / f"{s}.jsonl")]
    assert sorted((e.meta["kind"], e.meta["field"]) for e in examples) == [("bullet", "bullet")] * 6 + [
        ("paragraph", "description")] * 6
    # One bullet and one paragraph per even row (those about colour and material); the odd rows' copy invents
    # a lid and a guarantee; the parts that only name the mug teach nothing (any sentence naming it would pass).
    assert sorted(int(e.meta["sku"]) % 2 for e in examples) == [0] * 12
    assert all("bamboo" not in e.completion and "guarantee" not in e.completion for e in examples)
    for kind in ("bullet", "paragraph"):
        assert set(report.dropped[kind]) == {"no sentence anchored in the shown facts",
                                             "the realized part only names the product (any sentence naming it would pass)"}
        assert report.dropped_claim_kinds[kind]["absolute"] > 0  # "best", "lifetime guarantee"
    for bullet in (e for e in examples if e.meta["kind"] == "bullet"):  # the realized header, then the human words
        assert bullet.completion.split(": ", 1)[0] == bullet.meta["realized"].split(": ", 1)[0]
    for example in examples:  # each target passes the verifier that knows only what the prompt shows
        facts = [Fact(id=f"F{i}", name=n, value=v, source_id="t") for i, (n, v) in enumerate(example.meta["facts"], 1)]
        product = next(p for p in read_products(built[0]) if p.sku == example.meta["sku"])
        assert shown_verifier(product, facts, None).check_text(example.completion, example.meta["field"]).clean
        stated = [f for f in facts if f.name in example.meta["stated"]]
        assert stated and keeps_facts(example.completion, example.meta["realized"], stated)


def test_prompts_show_the_realized_part_and_never_the_human_copy(built) -> None:
    rows, out, _ = built
    descriptions = {p.sku: p.description for p in read_products(rows)}
    for example in read_examples(out / "train.jsonl"):
        user = example.prompt[-1]["content"]
        current = f"Current {example.meta['field']}:\n{example.meta['realized']}\n"
        assert example.prompt[0]["role"] == "system" and current in user
        assert example.completion not in user and descriptions[example.meta["sku"]] not in user


class RecordingGenerator:
    """Stands in for the model in the copy chain; remembers every conversation it is sent."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: list[list[dict]] = []

    def generate(self, messages, **kwargs) -> list[Generation]:
        self.seen.append([{"role": m.role, "content": m.content} for m in messages])
        return []

    def score(self, messages, completion) -> float:
        return 0.0


def test_prompts_are_exactly_what_the_copy_chain_sends_at_inference(built, settings, tmp_path: Path) -> None:
    rows, out, _ = built
    examples = [e for s in ("train", "validation", "test") for e in read_examples(out / f"{s}.jsonl")]
    products = {p.sku: p for p in read_products(rows)}
    assert examples
    for sku in {e.meta["sku"] for e in examples}:
        recorder = RecordingGenerator()
        chain = CopyChain(None, recorder, DraftStore(tmp_path / "d.sqlite3"), settings)  # type: ignore[arg-type]
        chain.compose(products[sku], include_description=False)  # the polish of the first draft, as drafted
        for example in (e for e in examples if e.meta["sku"] == sku):
            assert example.prompt in recorder.seen


def test_heldout_rows_are_the_test_split_in_the_source_format(tmp_path: Path, settings) -> None:
    header = ["product_id", "product_name", "manufacturer", "price", "product_information", "product_description"]
    rows = tmp_path / "toys.csv"
    with rows.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(40):
            writer.writerow([f"toy-{i}", f"Pebble Ball {i}", "Pebble", "4.99",
                             "Technical Details Item Weight 200 g Manufacturer recommended age:3 years and up",
                             f"Pebble Ball {i} suits children from 3 years and up. It weighs 200 g."])
    out = tmp_path / "data"
    write_training_data([rows], out, settings)
    test_skus = {e.meta["sku"] for e in read_examples(out / "test.jsonl")}
    heldout = [p.sku for p in read_products(out / "heldout" / "toys.csv")]
    assert test_skus and set(heldout) == test_skus


def test_heldout_json_starts_with_a_record_the_reader_recognises(tmp_path: Path) -> None:
    from chains.training_data.heldout import write_rows
    from retrieval.readers import detect_format

    source = tmp_path / "icecat.jsonl"
    records = [{"id": str(i), "title": f"Acme Thing {i}", "supplier": "Acme", **({"attr_t_colour": "Red"} if i != 2 else {})}
               for i in range(1, 4)]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "heldout.jsonl"
    assert write_rows(source, {2, 3}, out) == 2  # row 2 has no spec: alone first, the file would read as generic JSON
    assert detect_format(out) == "icecat"
    assert sorted(p.sku for p in read_products(out)) == ["2", "3"]

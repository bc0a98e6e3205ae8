"""The bad-input corpus: each case in cases/*.yaml is fed in as its user would and must end as written there:
an InputError that names the input, or a specific result. The comment at the top of each file says how
its cases are written.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from copydesk.domain import Product
from copydesk.errors import InputError
from copydesk.settings import Settings
from retrieval.catalog import Catalog
from retrieval.instructions import screen
from retrieval.readers import RowError, read_products
from retrieval.styles.parse import parse_guide
from tests.retrieval.fakes import HashEmbedder

CASES = Path(__file__).with_name("cases")
FILLER_ROW = "FILL{i},Filler product number {i} of the corpus"


def cases(name: str) -> list[Any]:
    loaded = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    return [pytest.param(case, id=case.get("name") or case["text"][:50]) for case in loaded]


def build(value: str | dict[str, Any]) -> str:
    """A case's text: as written, or {before, repeat, times, after} for inputs too large to write out."""
    if isinstance(value, str):
        return value
    return value.get("before", "") + value["repeat"] * value["times"] + value.get("after", "")


def write(case: dict[str, Any], folder: Path, default_name: str) -> Path:
    text = build(case["text"])
    if case.get("filler"):
        header, _, rest = text.partition("\n")
        template = case.get("filler_row") or FILLER_ROW + "," * (header.count(",") - 1)  # one cell per column
        text = header + "\n" + "".join(template.format(i=i) + "\n" for i in range(case["filler"])) + rest
    path = folder / case.get("file", default_name)
    path.write_bytes(text.encode("latin-1" if case.get("latin1") else "utf-8"))
    return path


def assert_input_error(expected: str, path: Path, error: InputError) -> None:
    assert re.search(expected, str(error)), str(error)
    assert path.name in str(error), f"the message does not name {path.name}: {error}"


@pytest.mark.parametrize("case", cases("csv.yaml") + cases("jsonl.yaml"))
def test_catalog_file(case: dict[str, Any], tmp_path: Path) -> None:
    path = write(case, tmp_path, "catalog.csv")
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(InputError) as raised:
            list(read_products(path))
        assert_input_error(expect["error"], path, raised.value)
        return
    results = list(read_products(path))
    products = {r.sku: r for r in results if isinstance(r, Product) and not r.sku.startswith("FILL")}
    filler = case.get("filler", 0)
    # Lines as the case writes them: filler rows sit between the header and the case's second line.
    errors = {(r.line - filler if r.line > 1 else r.line): r.reason for r in results if isinstance(r, RowError)}
    assert all(r.file == str(path) for r in results if isinstance(r, RowError))
    assert list(products) == expect["skus"], errors
    if "error_count" in expect:
        assert len(errors) == expect["error_count"], errors
    else:
        assert set(errors) == set(expect.get("row_errors", {})), errors
    for line, reason in expect.get("row_errors", {}).items():
        assert re.search(reason, errors[line]), errors[line]
    for sku, title in expect.get("titles", {}).items():
        assert products[sku].title == title
    for sku, attributes in expect.get("attributes", {}).items():
        assert products[sku].attributes == attributes
    removed = {sku: [r.field for r in p.removed] for sku, p in products.items() if p.removed}
    assert removed == expect.get("removed", {})


@pytest.mark.parametrize("case", cases("styles.yaml"))
def test_style_guide(case: dict[str, Any], tmp_path: Path) -> None:
    path = write(case, tmp_path, "guide.md")
    expect = case["expect"]
    started = time.perf_counter()
    if "error" in expect:
        with pytest.raises(InputError) as raised:
            parse_guide(path)
        assert_input_error(expect["error"], path, raised.value)
    else:
        guide = parse_guide(path)
        headings = [heading for heading, _, _ in guide.sections]
        assert guide.title == expect.get("title", guide.title)
        assert headings == expect.get("headings", headings)
        assert len(headings) == expect.get("sections", len(headings))
        assert guide.rules == expect.get("rules", guide.rules)
    assert time.perf_counter() - started < 2


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    home = tmp_path_factory.mktemp("corpus-home")
    products = home / "products.csv"
    products.write_text("sku,title,model,ean\nMUG-1,Blue stoneware mug,R1179,5012345678900\n"
                        "LAMP-2,Arc desk lamp,AL-200,\n", encoding="utf-8")
    opened = Catalog.open(Settings(home=home, _env_file=None), embedder=HashEmbedder())
    opened.ingest_products([products])
    return opened


@pytest.mark.parametrize("case", cases("resolve.yaml"))
def test_resolution(case: dict[str, Any], catalog: Catalog) -> None:
    reference, expect = build(case["reference"]), case["expect"]
    started = time.perf_counter()
    if "error" in expect:
        with pytest.raises(InputError, match=expect["error"]):
            catalog.resolve(reference)
        assert time.perf_counter() - started < 1.0  # refused before anything reads the text
        return
    found = catalog.resolve(reference)
    assert time.perf_counter() - started < 3.0  # linear; quadratic takes far longer
    if "found" in expect:
        assert found.status == "found" and found.product.sku == expect["found"], found.status
        assert found.candidates[0].matched_on == expect["matched_on"]
    elif "status" in expect:
        assert found.status == expect["status"]
    else:
        assert found.status in ("found", "ambiguous", "not_found")


@pytest.mark.parametrize("case", cases("instructions.yaml"))
def test_catalog_text_addressed_to_a_model(case: dict[str, Any]) -> None:
    product = Product(sku="S1", title="Canvas tote", description=case["text"], attributes={"Note": case["text"]})
    screened = screen(product)
    if case["withheld"]:
        assert screened.description is None and screened.attributes == {}
        assert [r.field for r in screened.removed] == ["description", "attribute 'Note'"]
        assert all("contains instructions addressed to a model" in r.reason for r in screened.removed)
    else:
        assert screened == product

"""Property tests for what reads untrusted text: whatever the input, nothing escapes but the project's own
InputError, and time grows in step with the input (10,000 against 40,000 characters).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from copydesk.domain import Product
from copydesk.errors import InputError
from copydesk.redact import redact
from generators.text.number_trie import number_tail
from retrieval.instructions import find_instructions
from retrieval.readers import RowError, read_products
from retrieval.readers.base import clean_text, strip_html
from retrieval.resolve import MAX_REFERENCE_CHARS, clean_reference, code_tokens
from retrieval.styles.parse import parse_guide

# No example database: the suite leaves nothing in the checkout.
QUICK = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
ANY_CHAR = st.characters(exclude_categories=())  # surrogates and unassigned code points too
# Characters that matter to the readers, and a few that catch the unwary.
TRICKY = st.sampled_from(list('sku,title\n\r" <>{}[]:;1\\é€\u200b\u200f\ufeff\x00\t#*&-`~'))


def read_all(data: bytes, name: str) -> list[Product | RowError]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            results = list(read_products(path))
        except InputError as error:
            assert path.name in str(error)
            return []
    assert all(isinstance(r, (Product, RowError)) for r in results)
    return results


@QUICK
@given(data=st.binary(max_size=2000), name=st.sampled_from(["c.csv", "c.jsonl", "c.json"]))
def test_any_bytes(data: bytes, name: str) -> None:
    read_all(data, name)


@QUICK
@given(body=st.text(TRICKY, max_size=600), header=st.sampled_from(["sku,title,colour", "sku,title", "a,b"]))
def test_csv_like_text(body: str, header: str) -> None:
    read_all(f"{header}\n{body}".encode("utf-8", "surrogatepass"), "c.csv")


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(ANY_CHAR, max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
RECORD = st.dictionaries(st.sampled_from(["sku", "title", "id", "supplier", "attr_t_colour", "attr_n_weight",
                                          "attr_b_usb", "price", "ean", "name", "description", "x"]),
                         JSON_VALUE, max_size=8)


@QUICK
@given(records=st.lists(RECORD | JSON_VALUE, max_size=6), icecat=st.booleans(), array=st.booleans())
def test_json_records(records: list, icecat: bool, array: bool) -> None:
    if icecat:
        records = [{"id": "I0", "title": "Monitor", "supplier": "Acme"}, *records]
    text = json.dumps(records) if array else "\n".join(json.dumps(r) for r in records)
    read_all(text.encode("utf-8"), "c.json" if array else "c.jsonl")


# Cells with line breaks carry no commas: a multi-line cell in a middle column whose every line holds exactly
# the right number of commas cannot be told from a broken quote (see readers.base._swallowed).
CELL = st.text(st.sampled_from(list('ab1 ,"é\u200b')), max_size=12) | st.text(st.sampled_from(list('ab1 "\n')), max_size=12)


@QUICK
@given(rows=st.lists(st.tuples(CELL, CELL, CELL), max_size=12))
def test_valid_csv_reads_back_row_for_row(rows: list[tuple[str, str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sku", "title", "colour"])
    writer.writerows(rows)
    results = read_all(buffer.getvalue().encode("utf-8"), "c.csv")
    expected = []
    for sku, title, colour in rows:
        if not (sku or title or colour):
            continue  # csv writes an empty row as a blank line
        expected.append((clean_text(sku), clean_text(title)) if clean_text(sku) and clean_text(title) else None)
    got = [(r.sku, r.title) if isinstance(r, Product) else None for r in results]
    assert got == expected


@QUICK
@given(text=st.text(ANY_CHAR, max_size=3000))
def test_reference_cleaning(text: str) -> None:
    if len(text) > MAX_REFERENCE_CHARS:
        with pytest.raises(InputError):
            clean_reference(text)
        return
    cleaned = clean_reference(text)
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in cleaned)
    for token in code_tokens(cleaned):
        assert any(c.isdigit() for c in token) and token == token.casefold()


@QUICK
@given(front=st.text(TRICKY, max_size=300), body=st.text(TRICKY, max_size=600),
       suffix=st.sampled_from([".md", ".mdx"]))
def test_style_guides(front: str, body: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"guide{suffix}"
        path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
        try:
            parse_guide(path)
        except InputError as error:
            assert path.name in str(error)


@QUICK
@given(text=st.text(ANY_CHAR, max_size=2000))
def test_screening_and_redaction_take_any_text(text: str) -> None:
    find_instructions(text)
    assert "s3cret-value" not in redact(text + "s3cret-value", ["s3cret-value"])


@QUICK
@given(text=st.text(st.sampled_from(list("0123456789.,x ")), max_size=30))
def test_number_tail_is_the_number_at_the_end(text: str) -> None:
    # The forward pattern it replaced (quadratic on long runs, right on short ones) is the reference.
    found = re.search(r"[0-9]+(?:[.,][0-9]+)*[.,]?$", text)
    assert number_tail(text) == (found.group() if found else "")


def best_of_three(work: Callable[[str], object], text: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work(text)
        times.append(time.perf_counter() - started)
    return min(times)


def guide(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "guide.mdx"
        path.write_text(text, encoding="utf-8")
        parse_guide(path)


def csv_file(text: str) -> None:
    read_all(("sku,title,description\n" + text).encode("utf-8"), "c.csv")


# (what reads the text, how a hostile text of n characters is made): quadratic patterns found in the probe
# and in the audit (code tokens: 11 s at 40,000; headings: 12 s at 2,000) and their relatives.
HOSTILE: list[tuple[str, Callable[[str], object], Callable[[int], str]]] = [
    ("code tokens, no digit", code_tokens, lambda n: "a" * n),
    ("code tokens, code characters", code_tokens, lambda n: "a./-" * (n // 4)),
    ("code tokens, digit at the end", code_tokens, lambda n: "a" * (n - 1) + "1"),
    ("reference cleaning", lambda t: clean_reference(t[:MAX_REFERENCE_CHARS]), lambda n: "\u200b" * n),
    ("html, unclosed tags", strip_html, lambda n: ">" + "<" * n),
    ("html, unclosed block tags", strip_html, lambda n: "><" + "<p " * (n // 3)),
    ("guide, heading of spaces", guide, lambda n: "# a" + " " * n + "b\n"),
    ("guide, heading of hashes", guide, lambda n: "# a" + " #" * (n // 2) + "b\n"),
    ("guide, unclosed tags", guide, lambda n: "# G\n" + "<A " * (n // 3)),
    ("guide, unclosed fences", guide, lambda n: "# G\n" + "```x\n" * (n // 5)),
    ("guide, one paragraph", guide, lambda n: "# G\n" + "x" * n),
    ("csv, one long cell", csv_file, lambda n: 'A1,Mug,"' + "x, y\n" * (n // 5) + '"\n'),
    ("csv, quotes", csv_file, lambda n: '"' * n),
    ("csv, many short rows", csv_file, lambda n: "A,B,C\n" * (n // 6)),
    ("csv, broken quote then rows", csv_file, lambda n: 'A0,"broken,x\n' + "A,B,C\n" * (n // 6)),
    ("instructions, near misses", find_instructions, lambda n: "ignore " * (n // 7)),
    ("instructions, env names", find_instructions, lambda n: "A_" * (n // 2)),
    ("instructions, spaces after a cue", find_instructions, lambda n: "you are" + " " * n + "x"),
    ("instructions, repeated cues", find_instructions, lambda n: "as a " * (n // 5)),
    ("redaction, URLs", lambda t: redact(t, ["secret-value"]), lambda n: "://" * (n // 3)),
    ("redaction, bearer spaces", lambda t: redact(t), lambda n: "Bearer" + " " * n),
    ("number tail, separated digits", number_tail, lambda n: "1," * (n // 2) + "x"),
    ("number tail, doubled separator", number_tail, lambda n: "1," * (n // 2) + ",1"),
]


@pytest.mark.parametrize(("name", "work", "make"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_time_grows_linearly(name: str, work: Callable[[str], object], make: Callable[[int], str]) -> None:
    small_text, big_text = make(10_000), make(40_000)
    # Linear is 4x, quadratic 16x. On a busy shared machine (and past a CPU cache) one measurement can be off
    # by 2-3x, so a case gets three tries; a quadratic one fails all three.
    for _ in range(3):
        small, big = best_of_three(work, small_text), best_of_three(work, big_text)
        if big < 10 * small + 0.005:
            return
    pytest.fail(f"{name}: {small * 1000:.1f} ms at 10k, {big * 1000:.1f} ms at 40k")

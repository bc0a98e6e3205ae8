"""The number trie: which texts may contain which numbers."""

from __future__ import annotations

import pytest

from generators.text.number_trie import NumberTrie, Verdict, number_tail, numbers_in


def test_numbers_in_finds_integers_decimals_and_grouped_numbers() -> None:
    text = 'Monitor 27" 3840x2160, 2.8 GHz, 1,299 pixels; model QC5115/15.'
    assert numbers_in(text) == {"27", "3840", "2160", "2.8", "1,299", "5115", "15"}
    assert numbers_in("no numbers here") == set()


def test_number_tail_takes_the_whole_number_being_written() -> None:
    assert number_tail("weighs 12.5") == "12.5"
    assert number_tail("weighs 12.") == "12."
    assert number_tail("item 1 of 38") == "38"
    assert number_tail("38 items") == ""


@pytest.fixture
def trie() -> NumberTrie:
    return NumberTrie({"27", "3840", "2160", "2.8", "605"})


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("", Verdict.CLOSED),
        ("A 27 inch screen", Verdict.CLOSED),
        ("A 27", Verdict.CLOSED),          # complete, may stop here
        ("A 38", Verdict.OPEN),            # must grow into 3840
        ("A 384", Verdict.OPEN),
        ("A 3840x2160 panel", Verdict.CLOSED),
        ("A 28 inch screen", Verdict.BAD),  # 28 is not a fact
        ("A 38 inch screen", Verdict.BAD),  # stopped inside 3840
        ("A 38401", Verdict.BAD),           # grew past the end
        ("2.8 GHz", Verdict.CLOSED),
        ("2", Verdict.OPEN),                # only 2.8 starts with 2
        ("2.", Verdict.OPEN),
        ("2 GHz", Verdict.BAD),             # the rounding the small model does
        ("2.9", Verdict.BAD),
        ("It weighs 605.", Verdict.CLOSED),  # a sentence end after a complete number
        ("It weighs 605.5", Verdict.BAD),
        ("It weighs 605, and", Verdict.CLOSED),
    ],
)
def test_trie_check(trie: NumberTrie, text: str, verdict: Verdict) -> None:
    assert trie.check(text) is verdict


def test_empty_trie_allows_no_number_at_all() -> None:
    empty = NumberTrie(set())
    assert empty.check("no digits") is Verdict.CLOSED
    assert empty.check("1") is Verdict.BAD


def test_trie_rejects_strings_that_are_not_numbers() -> None:
    with pytest.raises(ValueError, match="not a number"):
        NumberTrie({"27 inch"})

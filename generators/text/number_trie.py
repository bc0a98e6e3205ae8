"""Numbers in text, and the trie that decides which numbers a model may still write.

A number is a run of ASCII digits with optional inner '.' or ',' groups ("27", "2.8", "1,299").
`NumberTrie.check(text)` judges a piece of text that may end in a number being written:
every finished number must be one of the allowed strings, and the one still being written
must be a prefix of one. The decoding constraint (constraints.py) applies it per token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
# The number (or number plus a trailing separator) at the very end of a text, matched on the reversed
# text from its start: searching "[0-9]+(?:[.,][0-9]+)*[.,]?$" forwards retries from every digit of a long
# run and is quadratic (2 s for "1," * 8000 + "x"). Greedy, so the whole run is taken ("12.5" not "5").
_NUMBER_TAIL_REVERSED = re.compile(r"[.,]?(?:[0-9]+[.,](?=[0-9]))*[0-9]+")
SEPARATORS = ".,"
DIGIT = re.compile(r"[0-9]")


def numbers_in(text: str) -> set[str]:
    """The number strings written in `text`: "27\" 3840x2160, 2.8 GHz" -> {"27", "3840", "2160", "2.8"}."""
    return {match.group() for match in NUMBER.finditer(text)}


def number_tail(text: str) -> str:
    """The number being written at the end of `text` ("" when the text does not end in one)."""
    match = _NUMBER_TAIL_REVERSED.match(text[::-1])
    return match.group()[::-1] if match else ""


class Verdict(Enum):
    BAD = "bad"        # a number that is not allowed, or cannot become one
    OPEN = "open"      # ends inside a number that must go on (e.g. "38" of "3840")
    CLOSED = "closed"  # every number so far is complete; the text may stop or go on freely


class _Node:
    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False


class NumberTrie:
    """A character trie over the allowed number strings."""

    def __init__(self, numbers: Iterable[str]) -> None:
        self._root = _Node()
        for number in numbers:
            number = number.strip()
            if not NUMBER.fullmatch(number):
                raise ValueError(f"{number!r} is not a number string (digits with optional . or , groups)")
            node = self._root
            for char in number:
                node = node.children.setdefault(char, _Node())
            node.terminal = True

    def _find(self, prefix: str) -> _Node | None:
        node = self._root
        for char in prefix:
            node = node.children.get(char)
            if node is None:
                return None
        return node

    def is_prefix(self, text: str) -> bool:
        return self._find(text) is not None

    def is_complete(self, text: str) -> bool:
        node = self._find(text)
        return node is not None and node.terminal

    def check(self, text: str) -> Verdict:
        """Judge every number in `text`, allowing the last one to be unfinished at the very end."""
        verdict = Verdict.CLOSED
        for match in NUMBER.finditer(text):
            number, end = match.group(), match.end()
            if end == len(text):  # still being written
                if not self.is_prefix(number):
                    return Verdict.BAD
                verdict = Verdict.CLOSED if self.is_complete(number) else Verdict.OPEN
            elif end == len(text) - 1 and text[-1] in SEPARATORS:
                # "2." may be a finished "2" ending a sentence, or the start of "2.8".
                if self.is_complete(number):
                    verdict = Verdict.CLOSED
                elif self.is_prefix(number + text[-1]):
                    verdict = Verdict.OPEN
                else:
                    return Verdict.BAD
            elif not self.is_complete(number):
                return Verdict.BAD
        return verdict


def without_open_number(text: str, trie: NumberTrie) -> str:
    """`text` less a number left unfinished at its end (a generation cut off by its token limit mid-number)."""
    tail = number_tail(text)
    if tail and trie.check(text) is Verdict.OPEN:
        return text[: len(text) - len(tail)]
    return text

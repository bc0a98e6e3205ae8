"""Streams the text of every candidate of a batched `generate` call, as it grows.

transformers' TextStreamer handles a batch of one only; this one keeps a text per candidate,
calls on_text(index, delta) with what is new, never shows a stop sequence (it holds back text
that could be the start of one), and holds back half a UTF-8 character and, under a number
constraint, a number not yet finished (the token limit may cut it off, and then it is dropped).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from transformers.generation.streamers import BaseStreamer

from generators.text.base import OnText
from generators.text.number_trie import NumberTrie, without_open_number


def cut_at_stop(text: str, stops: Sequence[str]) -> tuple[str, bool]:
    """(text before the first stop sequence, whether one was found)."""
    cuts = [text.find(stop) for stop in stops if stop and stop in text]
    return (text[: min(cuts)], True) if cuts else (text, False)


class CandidateStreamer(BaseStreamer):
    def __init__(
        self, tokenizer, n: int, stops: Sequence[str], end_ids: Collection[int], on_text: OnText,
        trie: NumberTrie | None = None,
    ) -> None:
        self._tokenizer = tokenizer
        self._trie = trie  # with a number constraint, an unfinished number is held back too
        self._stops = [s for s in stops if s]
        self._end_ids = set(end_ids)
        self._on_text = on_text
        self._ids: list[list[int]] = [[] for _ in range(n)]
        self._shown = [""] * n
        self._done = [False] * n
        self._prompt_seen = False

    def put(self, value) -> None:
        if not self._prompt_seen:  # generate() first hands over the prompt ids
            self._prompt_seen = True
            return
        for row, token_id in enumerate(value.reshape(-1).tolist()):
            if self._done[row]:
                continue
            if token_id in self._end_ids:
                self._done[row] = True
                continue
            self._ids[row].append(token_id)
            self._show(row, self._visible(row))

    def _visible(self, row: int) -> str:
        text = self._tokenizer.decode(self._ids[row], skip_special_tokens=True)
        text, stopped = cut_at_stop(text, self._stops)
        if stopped:
            self._done[row] = True
            return text
        text = text.rstrip("\ufffd")  # an incomplete multi-byte character
        if self._trie is not None:
            text = without_open_number(text, self._trie)
        held = max((k for stop in self._stops for k in range(1, len(stop)) if text.endswith(stop[:k])), default=0)
        return text[: len(text) - held]

    def _show(self, row: int, text: str) -> None:
        shown = self._shown[row]
        if len(text) > len(shown) and text.startswith(shown):
            self._shown[row] = text
            self._on_text(row, text[len(shown) :])

    def end(self) -> None:
        """Nothing: `finish` sends the rest once the final texts are known."""

    def finish(self, texts: Sequence[str]) -> None:
        """Send whatever of each final text was held back."""
        for row, text in enumerate(texts):
            self._show(row, text)

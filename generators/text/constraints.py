"""Hooks into `model.generate`: the number constraint, stop sequences, and log-likelihood recording.

transformers has `StopStringCriteria`, but it builds vocabulary tables for each set of stop
strings and cannot tell us which text was cut; a plain decode-and-search per step is cheap
for our short generations and works for any tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import LogitsProcessor, StoppingCriteria

from generators.text.number_trie import DIGIT, SEPARATORS, NumberTrie, Verdict, number_tail

# Generated tokens decoded to find the number being written; longer than any real number in tokens.
TAIL_WINDOW = 48


@dataclass(frozen=True)
class NumberTokens:
    """The vocabulary entries that can write part of a number: any with an ASCII digit, and bare separators.

    SmolLM2 writes every digit as its own token, but other tokenizers merge digits ("2023", " 12"),
    so the table is found by decoding the vocabulary rather than assumed.
    """

    ids: tuple[int, ...]
    texts: tuple[str, ...]

    @classmethod
    def of(cls, tokenizer) -> NumberTokens:
        # Decoding one id at a time is exact for byte-level BPE (SmolLM2, GPT-2, Llama 3): ~0.3 s once.
        size = len(tokenizer)
        ids, texts = [], []
        for token_id in range(size):
            text = tokenizer.decode([token_id], skip_special_tokens=True)
            if DIGIT.search(text) or (text and text in SEPARATORS):
                ids.append(token_id)
                texts.append(text)
        return cls(tuple(ids), tuple(texts))


class NumberConstraint(LogitsProcessor):
    """Masks tokens so every number the model writes is one of the allowed strings, complete.

    At each step it looks at the number being written at the end of the row's text: tokens that
    would make it (or any number in the token) leave the trie are banned, and while it is an
    unfinished prefix ("38" of "3840") only tokens that continue it stay possible (end of turn too).
    """

    def __init__(
        self, tokenizer, trie: NumberTrie, table: NumberTokens, prompt_length: int, end_ids: Sequence[int]
    ) -> None:
        self._tokenizer = tokenizer
        self._end_ids = list(end_ids)
        self._trie = trie
        self._table = table
        self._prompt_length = prompt_length
        self._cache: dict[str, tuple[Verdict, list[int]]] = {}

    def _rule(self, tail: str) -> tuple[Verdict, list[int]]:
        """(state of the tail, token ids to ban if CLOSED / to keep if OPEN)."""
        if tail not in self._cache:
            state = self._trie.check(tail) if tail else Verdict.CLOSED
            if state is Verdict.OPEN:
                keep = [i for i, t in zip(self._table.ids, self._table.texts) if self._trie.check(tail + t) is not Verdict.BAD]
                # A tokenizer with no token that continues the number: end the turn rather than write a wrong one.
                self._cache[tail] = (state, keep or self._end_ids)
            else:
                ban = [i for i, t in zip(self._table.ids, self._table.texts) if self._trie.check(tail + t) is Verdict.BAD]
                self._cache[tail] = (Verdict.CLOSED, ban)
        return self._cache[tail]

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids[:, self._prompt_length :][:, -TAIL_WINDOW:].tolist()
        for row, ids in enumerate(generated):
            tail = number_tail(self._tokenizer.decode(ids, skip_special_tokens=True))
            state, token_ids = self._rule(tail)
            if state is Verdict.OPEN and token_ids:
                kept = scores[row, token_ids].clone()
                scores[row] = float("-inf")
                scores[row, token_ids] = kept
            elif state is Verdict.CLOSED and token_ids:
                scores[row, token_ids] = float("-inf")
        return scores


class StopOnText(StoppingCriteria):
    """Stops a row once its generated text contains any of the stop sequences."""

    def __init__(self, tokenizer, stops: Sequence[str], prompt_length: int) -> None:
        self._tokenizer = tokenizer
        self._stops = [s for s in stops if s]
        self._prompt_length = prompt_length

    def __call__(self, input_ids: torch.LongTensor, scores, **kwargs) -> torch.BoolTensor:
        texts = self._tokenizer.batch_decode(input_ids[:, self._prompt_length :], skip_special_tokens=True)
        done = [any(stop in text for stop in self._stops) for text in texts]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


class LogprobRecorder(LogitsProcessor):
    """Records the model's own log-probability of each chosen token (before any constraint or warping).

    It must come first in the processor list. At step t it sees the token chosen at step t-1 as the
    last input id, so it keeps only the previous step's logits and their log-sum-exp (not all
    logits, which would be n x steps x vocab floats).
    """

    def __init__(self) -> None:
        self._previous: tuple[torch.Tensor, torch.Tensor] | None = None  # (logits, logsumexp)
        self.values: list[torch.Tensor] = []

    def _gather(self, tokens: torch.Tensor) -> torch.Tensor:
        logits, normaliser = self._previous
        return logits.gather(1, tokens.to(logits.device).unsqueeze(1)).squeeze(1) - normaliser

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if self._previous is not None:
            self.values.append(self._gather(input_ids[:, -1]))
        logits = scores.float().clone()  # later processors edit `scores` in place
        self._previous = (logits, torch.logsumexp(logits, dim=-1))
        return scores

    def per_token(self, sequences: torch.LongTensor, prompt_length: int) -> torch.Tensor:
        """(rows, new tokens) log-probabilities of the tokens in `sequences` after the prompt."""
        new_tokens = sequences.shape[1] - prompt_length
        values = list(self.values[:new_tokens])
        if len(values) < new_tokens and self._previous is not None:
            values.append(self._gather(sequences[:, prompt_length + len(values)]))
        if not values:
            return torch.zeros((sequences.shape[0], 0))
        return torch.stack(values, dim=1).float().cpu()

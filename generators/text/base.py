"""What every text backend offers: chat messages in, n candidate generations out.

Chains code against the `TextGenerator` protocol only; the local transformers backend
and the OpenAI-compatible HTTP backend both satisfy it, and tests hand in tiny ones.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]
FinishReason = Literal["stop", "length"]

# on_text(candidate_index, new_text_delta): called as text arrives, for every candidate.
OnText = Callable[[int, str], None]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass
class Generation:
    text: str                       # the completion, cut before the first stop sequence
    tokens: int                     # new tokens the model produced for it
    mean_logprob: float | None      # mean log-likelihood of those tokens under the model (None: unknown)
    finish_reason: FinishReason     # "stop": end of turn or a stop sequence; "length": ran out of tokens


@runtime_checkable
class TextGenerator(Protocol):
    name: str

    def generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        n: int = 1,
        max_new_tokens: int = 96,
        temperature: float = 0.8,
        top_p: float = 0.95,
        seed: int | None = None,
        stop: Sequence[str] = (),
        allowed_numbers: Collection[str] | None = None,
        on_text: OnText | None = None,
    ) -> list[Generation]:
        """n candidates for one conversation, in one batched call; deterministic for a given seed.

        allowed_numbers=None leaves numbers free; a collection of number strings (see `numbers_in`)
        lets the model write only those numbers, each one complete.
        """
        ...

    def score(self, messages: Sequence[ChatMessage], completion: str) -> float:
        """Mean token log-likelihood of `completion` as the assistant's answer to `messages`."""
        ...

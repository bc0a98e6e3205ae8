"""A `TextGenerator` over an OpenAI-compatible server (vLLM, TGI, llama.cpp server), through the `openai` SDK,
which brings retries with backoff, timeouts and server-sent-event streaming.

Decoding runs on the server, so `allowed_numbers` cannot be enforced token by token here; the request goes out
unconstrained and a warning says so once (the chain's verifier still gates every number). `score` needs prompt
log-likelihoods, which the chat API does not offer: it raises ModelError, and `Generation.mean_logprob`
carries the server's logprobs when it returns them. Error messages never carry the server's URL credentials
or its response body: the body may echo anything, so it goes to the log, redacted, and not to users.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Sequence

import openai

from copydesk.errors import InputError, ModelError
from copydesk.redact import redact
from generators.text.base import ChatMessage, Generation, OnText
from generators.text.streaming import cut_at_stop

log = logging.getLogger(__name__)


class OpenAICompatibleGenerator:
    def __init__(
        self, base_url: str, *, model: str, api_key: str | None = None, timeout_s: float = 300.0,
        max_retries: int = 2, client: openai.OpenAI | None = None,
    ) -> None:
        base_url = base_url.rstrip("/")
        base_url = base_url if base_url.endswith("/v1") else base_url + "/v1"
        self.shown_url = redact(base_url, [api_key or ""])
        self.name = f"{model}@{self.shown_url}"
        self.model = model
        # Local servers often need no key; the SDK insists on one, and the server ignores it.
        self._client = client or openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed",
                                               timeout=timeout_s, max_retries=max_retries)
        self._api_key = api_key or ""
        self._warned_numbers = False
        self._warn_lock = threading.Lock()

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
        if not messages:
            raise InputError("No messages to answer.")
        if allowed_numbers is not None:
            self._warn_unconstrained()
        request = dict(
            model=self.model, messages=[{"role": m.role, "content": m.content} for m in messages], n=n,
            max_tokens=max_new_tokens, temperature=temperature, top_p=top_p, logprobs=True,
            stream=on_text is not None,
        )
        if seed is not None:
            request["seed"] = seed
        if stop:
            request["stop"] = list(stop)
        try:
            if on_text is None:
                completion = self._client.chat.completions.create(**request)
                choices = [(c.index, c.message.content or "", c.finish_reason, _logprobs(c.logprobs))
                           for c in completion.choices]
            else:
                choices = self._stream(request, on_text)
        except openai.APIStatusError as error:
            log.warning("%s answered %s: %s", self.name, error.status_code,
                        redact(str(error.response.text)[:500], [self._api_key]))
            raise ModelError(f"The text model server at {self.shown_url} answered {error.status_code}.",
                             hint="Its log says why; check COPYDESK_LLM_API_MODEL and the server.") from None
        except openai.APIConnectionError:
            raise ModelError(f"The text model server at {self.shown_url} did not answer.",
                             hint="Check COPYDESK_LLM_API_BASE and that the server is running.") from None
        return [_generation(text, finish, logprobs, list(stop)) for _, text, finish, logprobs in sorted(choices)]

    def _stream(self, request: dict, on_text: OnText) -> list[tuple[int, str, str | None, list[float]]]:
        """Accumulate each choice's deltas into a whole choice, streaming them as they arrive."""
        texts: dict[int, str] = {}
        finishes: dict[int, str | None] = {}
        logprobs: dict[int, list[float]] = {}
        for chunk in self._client.chat.completions.create(**request):
            for part in chunk.choices:
                delta = part.delta.content if part.delta else None
                texts.setdefault(part.index, "")
                if delta:
                    texts[part.index] += delta
                    on_text(part.index, delta)
                logprobs.setdefault(part.index, []).extend(_logprobs(part.logprobs))
                finishes[part.index] = part.finish_reason or finishes.get(part.index)
        return [(i, texts[i], finishes.get(i), logprobs.get(i, [])) for i in texts]

    def _warn_unconstrained(self) -> None:
        with self._warn_lock:
            if not self._warned_numbers:
                self._warned_numbers = True
                log.warning("%s decodes on its server: allowed_numbers cannot be enforced there; the verifier checks numbers", self.name)

    def score(self, messages: Sequence[ChatMessage], completion: str) -> float:
        raise ModelError(
            f"{self.name} cannot score a given completion: the chat completions API returns no prompt log-likelihoods.",
            hint="Use Generation.mean_logprob, or a local model (COPYDESK_LLM) for scoring.",
        )


def _logprobs(logprobs) -> list[float]:
    return [t.logprob for t in (getattr(logprobs, "content", None) or []) if t.logprob is not None]


def _generation(text: str, finish: str | None, logprobs: list[float], stops: list[str]) -> Generation:
    text, stopped = cut_at_stop(text, stops)  # some servers keep the stop sequence
    return Generation(
        text=text,
        tokens=len(logprobs),  # the chat API counts tokens per choice only through logprobs
        mean_logprob=sum(logprobs) / len(logprobs) if logprobs else None,
        finish_reason="length" if finish == "length" and not stopped else "stop",
    )

"""A `TextGenerator` over an OpenAI-compatible server (vLLM, TGI, llama.cpp server): /v1/chat/completions.

Decoding runs on the server, so `allowed_numbers` cannot be enforced token by token here; the
request goes out unconstrained and a warning says so once (the chain's verifier still gates every
number). `score` needs prompt log-likelihoods, which the chat API does not offer: it raises
ModelError, and `Generation.mean_logprob` carries the server's logprobs when it returns them.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Collection, Sequence

import httpx

from copydesk.errors import InputError, ModelError
from generators.text.base import ChatMessage, Generation, OnText
from generators.text.streaming import cut_at_stop

log = logging.getLogger(__name__)


def chat_completions_url(base: str) -> str:
    base = base.rstrip("/")
    return f"{base}/chat/completions" if base.endswith("/v1") else f"{base}/v1/chat/completions"


class OpenAICompatibleGenerator:
    def __init__(
        self, base_url: str, *, model: str, api_key: str | None = None, timeout_s: float = 300.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.name = f"{model}@{base_url}"
        self.model = model
        self._url = chat_completions_url(base_url)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout_s, headers=headers)
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
        body: dict = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "n": n,
            "max_tokens": max_new_tokens,
            "temperature": temperature,
            "top_p": top_p,
            "logprobs": True,
            "stream": on_text is not None,
        }
        if seed is not None:
            body["seed"] = seed
        if stop:
            body["stop"] = list(stop)
        try:
            if on_text is None:
                response = self._client.post(self._url, json=body)
                self._raise_for_status(response)
                choices = response.json()["choices"]
            else:
                choices = self._stream(body, n, on_text)
        except httpx.HTTPError as error:
            raise ModelError(f"The text model server at {self._url} did not answer: {error}.",
                             hint="Check COPYDESK_LLM_API_BASE and that the server is running.") from error
        except (KeyError, ValueError) as error:
            raise ModelError(f"The text model server at {self._url} sent an answer that is not a chat completion: {error}.") from error
        return [self._generation(choice, list(stop)) for choice in sorted(choices, key=lambda c: c.get("index", 0))]

    def _raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise ModelError(f"The text model server at {self._url} answered {response.status_code}: {response.text[:300]}")

    def _stream(self, body: dict, n: int, on_text: OnText) -> list[dict]:
        """Server-sent events: accumulate each choice's deltas into a whole choice, streaming them."""
        choices = {i: {"index": i, "message": {"content": ""}, "finish_reason": None, "logprobs": {"content": []}}
                   for i in range(n)}
        with self._client.stream("POST", self._url, json=body) as response:
            if response.status_code >= 400:
                response.read()
                self._raise_for_status(response)
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[len("data:"):].strip()
                if data == "[DONE]":
                    break
                for part in json.loads(data).get("choices", []):
                    choice = choices.setdefault(part.get("index", 0), {"index": part.get("index", 0), "message": {"content": ""},
                                                                        "finish_reason": None, "logprobs": {"content": []}})
                    delta = (part.get("delta") or {}).get("content") or ""
                    if delta:
                        choice["message"]["content"] += delta
                        on_text(choice["index"], delta)
                    choice["logprobs"]["content"] += ((part.get("logprobs") or {}).get("content") or [])
                    choice["finish_reason"] = part.get("finish_reason") or choice["finish_reason"]
        return list(choices.values())

    @staticmethod
    def _generation(choice: dict, stops: list[str]) -> Generation:
        text, stopped = cut_at_stop(choice["message"].get("content") or "", stops)  # some servers keep the stop
        logprobs = [t["logprob"] for t in ((choice.get("logprobs") or {}).get("content") or []) if "logprob" in t]
        finish = "length" if choice.get("finish_reason") == "length" and not stopped else "stop"
        return Generation(
            text=text,
            tokens=len(logprobs),  # the chat API counts tokens per choice only through logprobs
            mean_logprob=sum(logprobs) / len(logprobs) if logprobs else None,
            finish_reason=finish,
        )

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

"""The local backend: a transformers causal LM shared by every thread of the process.

One lock serialises the calls (a model on one device runs one batch at a time; waiting callers
queue on the lock). Each call generates its n candidates as one batch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Sequence
from pathlib import Path

import torch
from transformers import GenerationConfig, LogitsProcessorList, StoppingCriteriaList

from copydesk.errors import InputError, ModelError
from generators.text.base import ChatMessage, Generation, OnText
from generators.text.loading import load_model_and_tokenizer
from generators.text.constraints import LogprobRecorder, NumberConstraint, NumberTokens, StopOnText
from generators.text.number_trie import NumberTrie, without_open_number
from generators.text.streaming import CandidateStreamer, cut_at_stop

log = logging.getLogger(__name__)


class TransformersGenerator:
    """A `TextGenerator` over a transformers model and its tokenizer (with a chat template)."""

    def __init__(self, model, tokenizer, *, name: str) -> None:
        if not getattr(tokenizer, "chat_template", None):
            raise ModelError(f"The tokenizer of {name} has no chat template.", hint="Use an instruct/chat model.")
        self.name = name
        self.model = model.eval()
        self.tokenizer = tokenizer
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "left"  # generation continues at the right edge of every row
        self._end_ids = self._end_token_ids()
        self._lock = threading.Lock()
        self._number_tokens: NumberTokens | None = None

    @classmethod
    def from_pretrained(
        cls, path: str | Path, *, adapter: str | Path | None = None, threads: int = 0, name: str | None = None
    ) -> TransformersGenerator:

        if threads > 0:
            torch.set_num_threads(threads)
        model, tokenizer = load_model_and_tokenizer(path, adapter=adapter)
        label = name or str(path)
        return cls(model, tokenizer, name=f"{label}+{adapter}" if adapter else label)

    # --- helpers -------------------------------------------------------------
    def _end_token_ids(self) -> list[int]:
        configured = getattr(self.model.generation_config, "eos_token_id", None)
        ids = configured if isinstance(configured, list) else [configured]
        ids = [i for i in ids if i is not None]
        if self.tokenizer.eos_token_id is not None and self.tokenizer.eos_token_id not in ids:
            ids.append(self.tokenizer.eos_token_id)
        if not ids:
            raise ModelError(f"{self.name} defines no end-of-text token.")
        return ids

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _encode(self, messages: Sequence[ChatMessage]) -> torch.Tensor:
        if not messages:
            raise InputError("No messages to answer.")
        chat = [{"role": m.role, "content": m.content} for m in messages]
        encoded = self.tokenizer.apply_chat_template(
            chat, add_generation_prompt=True, return_dict=True, return_tensors="pt"
        )
        return encoded["input_ids"].to(self.device)

    def number_tokens(self) -> NumberTokens:
        if self._number_tokens is None:
            self._number_tokens = NumberTokens.of(self.tokenizer)
        return self._number_tokens

    # --- the protocol ----------------------------------------------------------
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
        if n < 1 or max_new_tokens < 1:
            raise InputError(f"Need n >= 1 and max_new_tokens >= 1 (got n={n}, max_new_tokens={max_new_tokens}).")
        trie = NumberTrie(allowed_numbers) if allowed_numbers is not None else None
        with self._lock:
            return self._generate(messages, n, max_new_tokens, temperature, top_p, seed, list(stop), trie, on_text)

    def _generate(self, messages, n, max_new_tokens, temperature, top_p, seed, stops, trie, on_text) -> list[Generation]:
        prompt = self._encode(messages)
        prompt_length = prompt.shape[1]
        input_ids = prompt.repeat(n, 1)
        recorder = LogprobRecorder()  # first, so it sees the model's own distribution
        processors = LogitsProcessorList([recorder])
        if trie is not None:
            processors.append(NumberConstraint(self.tokenizer, trie, self.number_tokens(), prompt_length, self._end_ids))
        criteria = StoppingCriteriaList([StopOnText(self.tokenizer, stops, prompt_length)] if stops else [])
        streamer = CandidateStreamer(self.tokenizer, n, stops, self._end_ids, on_text, trie) if on_text else None
        sampling = temperature > 0
        config = GenerationConfig(
            max_new_tokens=max_new_tokens,
            do_sample=sampling,
            temperature=temperature if sampling else None,
            top_p=top_p if sampling else None,
            top_k=0 if sampling else None,
            eos_token_id=self._end_ids,
            pad_token_id=self.tokenizer.pad_token_id,
        )
        if seed is not None:
            torch.manual_seed(seed)  # under the lock, so no other call draws from the generator meanwhile
        with torch.inference_mode():
            sequences = self.model.generate(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                generation_config=config,
                logits_processor=processors,
                stopping_criteria=criteria,
                streamer=streamer,
            )
        logprobs = recorder.per_token(sequences, prompt_length)
        rows = sequences[:, prompt_length:].tolist()
        results = [self._result(row, logprobs[i], stops, trie) for i, row in enumerate(rows)]
        if streamer is not None:
            streamer.finish([r.text for r in results])
        return results

    def _result(self, new_ids: list[int], logprobs: torch.Tensor, stops: list[str], trie: NumberTrie | None) -> Generation:
        ends = [i for i, token in enumerate(new_ids) if token in self._end_ids]
        body = new_ids[: ends[0]] if ends else new_ids
        text, stopped = cut_at_stop(self.tokenizer.decode(body, skip_special_tokens=True), stops)
        if trie is not None and not (stopped or ends):
            text = without_open_number(text, trie)
        # Rows that stopped on a stop sequence are padded afterwards (pad may equal the end token).
        count = len(body) if stopped or not ends else len(body) + 1
        mean = float(logprobs[:count].mean()) if count else None
        return Generation(text=text, tokens=count, mean_logprob=mean, finish_reason="stop" if stopped or ends else "length")

    def score(self, messages: Sequence[ChatMessage], completion: str) -> float:
        completion_ids = self.tokenizer(completion, add_special_tokens=False, return_tensors="pt")["input_ids"]
        if completion_ids.shape[1] == 0:
            raise InputError("Cannot score an empty completion.")
        with self._lock, torch.inference_mode():
            prompt = self._encode(messages)
            ids = torch.cat([prompt, completion_ids.to(self.device)], dim=1)
            logits = self.model(input_ids=ids).logits[0, prompt.shape[1] - 1 : -1].float()
            chosen = torch.log_softmax(logits, dim=-1).gather(1, ids[0, prompt.shape[1] :].unsqueeze(1))
            return float(chosen.mean())

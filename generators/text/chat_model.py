"""A LangChain chat model over any `TextGenerator`, so chains can compose it with `|`.

    chain = ChatPromptTemplate.from_messages([...]) | CopydeskChatModel(generator=g, n=4) | StrOutputParser()

Generation options can be set on the model or per call (`model.invoke(x, seed=3, allowed_numbers={...})`).
n > 1 returns n generations (`model.generate([...])`); `.invoke` returns the first, like every chat model.
Streaming (`.stream`) yields the text of candidate 0 as it is written.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from copydesk.errors import InputError
from generators.text.base import ChatMessage, Generation, TextGenerator

_ROLES = ((SystemMessage, "system"), (HumanMessage, "user"), (AIMessage, "assistant"))
_OPTIONS = ("n", "max_new_tokens", "temperature", "top_p", "seed", "allowed_numbers")


def to_chat_messages(messages: list[BaseMessage]) -> list[ChatMessage]:
    converted = []
    for message in messages:
        role = next((r for kind, r in _ROLES if isinstance(message, kind)), None)
        if role is None or not isinstance(message.content, str):
            raise InputError(f"Cannot send a {type(message).__name__} with non-text content to the text model.")
        converted.append(ChatMessage(role, message.content))
    return converted


class CopydeskChatModel(BaseChatModel):
    generator: Any  # a TextGenerator (a Protocol, which pydantic cannot validate)
    n: int = 1
    max_new_tokens: int = 96
    temperature: float = 0.8
    top_p: float = 0.95
    seed: int | None = None
    allowed_numbers: frozenset[str] | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @property
    def _llm_type(self) -> str:
        return "copydesk"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"generator": getattr(self.generator, "name", "?"), **{k: getattr(self, k) for k in _OPTIONS}}

    def _options(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(kwargs) - set(_OPTIONS)
        if unknown:
            raise InputError(f"Unknown generation options {sorted(unknown)}; known: {list(_OPTIONS)}.")
        options = {k: kwargs.get(k, getattr(self, k)) for k in _OPTIONS}
        options["stop"] = tuple(stop or ())
        return options

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        generator: TextGenerator = self.generator
        results = generator.generate(to_chat_messages(messages), **self._options(stop, kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=r.text), generation_info=_info(r))
                                       for r in results])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        # generate() calls on_text from its own loop; a thread and a queue turn that into an iterator.
        deltas: queue.Queue = queue.Queue()
        outcome: dict[str, Any] = {}
        options = self._options(stop, kwargs)
        chat = to_chat_messages(messages)

        def work() -> None:
            try:
                outcome["results"] = self.generator.generate(
                    chat, on_text=lambda index, delta: deltas.put(delta) if index == 0 else None, **options
                )
            except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread below
                outcome["error"] = error
            finally:
                deltas.put(None)

        thread = threading.Thread(target=work, name="copydesk-chat-stream", daemon=True)
        thread.start()
        while (delta := deltas.get()) is not None:
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        first = outcome["results"][0]
        yield ChatGenerationChunk(message=AIMessageChunk(content=""), generation_info=_info(first))


def _info(result: Generation) -> dict[str, Any]:
    return {"finish_reason": result.finish_reason, "tokens": result.tokens, "mean_logprob": result.mean_logprob}

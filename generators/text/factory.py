"""`load_text_generator(settings)`: the one text model of the process, built on first use."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.errors import ConfigError, ModelError
from generators.text.base import TextGenerator
from generators.text.builtin import PREFIX, builtin_model_dir

if TYPE_CHECKING:  # at run time the settings object is only read, so the package imports without pydantic
    from copydesk.settings import Settings

_cache: dict[tuple, TextGenerator] = {}
_cache_lock = threading.Lock()


def _key(settings: Settings) -> tuple:
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return (
        settings.llm,
        settings.llm_adapter,
        settings.llm_api_base,
        api_key,
        settings.llm_api_model,
        settings.llm_threads,
        str(settings.models_path),
    )


def load_text_generator(settings: Settings) -> TextGenerator:
    """The shared generator for these settings (one instance per distinct model configuration)."""
    key = _key(settings)
    with _cache_lock:  # held while loading, so two threads never load the same model twice
        if key not in _cache:
            _cache[key] = _build(settings)
        return _cache[key]


def _build(settings: Settings) -> TextGenerator:
    if settings.llm_api_base:
        if settings.llm_adapter:
            raise ConfigError(
                "COPYDESK_LLM_ADAPTER is applied by the local model only, but COPYDESK_LLM_API_BASE is set.",
                hint="Serve the adapter from your model server (e.g. vLLM --lora-modules) and unset COPYDESK_LLM_ADAPTER.",
            )
        from generators.text.openai_server import OpenAICompatibleGenerator

        return OpenAICompatibleGenerator(
            settings.llm_api_base,
            model=settings.llm_api_model or settings.llm,
            api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        )
    from generators.text.local import TransformersGenerator

    source: str | Path = settings.llm
    if settings.llm.startswith(PREFIX):
        source = builtin_model_dir(settings.llm, settings.models_path)
    elif Path(settings.llm).expanduser().exists():
        source = Path(settings.llm).expanduser()
    elif settings.llm.startswith(("/", ".", "~")):
        raise ModelError(
            f"The text model folder {settings.llm} does not exist.",
            hint="Set COPYDESK_LLM to a model folder, a cached Hugging Face id, or builtin:SmolLM2-135M-Instruct.",
        )
    adapter = Path(settings.llm_adapter).expanduser() if settings.llm_adapter else None
    return TransformersGenerator.from_pretrained(source, adapter=adapter, threads=settings.llm_threads, name=settings.llm)


def clear_cache() -> None:
    """Forget the shared generators (tests; a process that changes its model)."""
    with _cache_lock:
        _cache.clear()

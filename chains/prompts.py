"""Prompt templates are files in prompts/ (``<name>.txt``), loaded by name.

Templates use ``{placeholder}`` fields (LangChain f-string templates), so every
caller renders them the same way: the copy chain at inference and the training
data builder both go through ``render``.
"""

from __future__ import annotations

from functools import lru_cache

from langchain_core.prompts import PromptTemplate

from copydesk.errors import NotFoundError
from copydesk.paths import PROMPTS_DIR


@lru_cache(maxsize=None)
def load_prompt(name: str) -> PromptTemplate:
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROMPTS_DIR.glob("*.txt")))
        raise NotFoundError(f"No prompt template named {name!r} in {PROMPTS_DIR}.", hint=f"Known templates: {known}.")
    return PromptTemplate.from_file(path, encoding="utf-8")


def render(name: str, **values: object) -> str:
    return load_prompt(name).format(**values)

"""Training examples as chat JSONL, one object per line.

The format is the conversational prompt/completion format TRL and most SFT tools
read, so data made here is usable elsewhere too::

    {"prompt": [{"role": "system", "content": "..."}, {"role": "user", "content": "..."}],
     "completion": [{"role": "assistant", "content": "..."}],
     "meta": {"sku": "...", "field": "title", ...}}

Preference records (from team feedback) carry ``chosen``/``rejected`` instead of
``completion``; for supervised fine-tuning the chosen answer is the completion.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from copydesk.errors import InputError

ROLES = ("system", "user", "assistant")


@dataclass(frozen=True)
class ChatExample:
    """One (prompt -> completion) pair; `rejected` is set for preference pairs."""

    prompt: list[dict[str, str]]
    completion: str
    meta: dict = field(default_factory=dict)
    rejected: str | None = None

    def to_json(self) -> dict:
        record: dict = {"prompt": self.prompt}
        if self.rejected is None:
            record["completion"] = [{"role": "assistant", "content": self.completion}]
        else:
            record["chosen"] = [{"role": "assistant", "content": self.completion}]
            record["rejected"] = [{"role": "assistant", "content": self.rejected}]
        if self.meta:
            record["meta"] = self.meta
        return record


def _assistant_text(value: object, where: str) -> str:
    """A completion given as a string or as a list of chat messages (the last assistant one counts)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[-1], dict) and value[-1].get("role") == "assistant":
        return str(value[-1].get("content", ""))
    raise InputError(f"{where}: a completion must be a string or a list ending with an assistant message.")


def parse_example(record: dict, where: str) -> ChatExample:
    prompt = record.get("prompt")
    if isinstance(prompt, str):
        prompt = [{"role": "user", "content": prompt}]
    if not isinstance(prompt, list) or not prompt:
        raise InputError(f"{where}: 'prompt' must be a non-empty list of chat messages.")
    for message in prompt:
        if not isinstance(message, dict) or message.get("role") not in ROLES or not isinstance(message.get("content"), str):
            raise InputError(f"{where}: each prompt message needs a role ({', '.join(ROLES)}) and a string content.")
    if "completion" in record:
        completion, rejected = _assistant_text(record["completion"], where), None
    elif "chosen" in record:
        completion = _assistant_text(record["chosen"], where)
        rejected = _assistant_text(record["rejected"], where) if record.get("rejected") is not None else None
    else:
        raise InputError(f"{where}: a record needs 'completion' (SFT) or 'chosen' (preference).")
    if not completion.strip():
        raise InputError(f"{where}: the completion is empty.")
    return ChatExample(prompt=[dict(m) for m in prompt], completion=completion, meta=dict(record.get("meta") or {}), rejected=rejected)


def iter_examples(path: Path) -> Iterator[ChatExample]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}:{number}: not valid JSON ({error.msg}).") from error
            yield parse_example(record, f"{path}:{number}")


def read_examples(path: Path) -> list[ChatExample]:
    if not path.is_file():
        raise InputError(f"No training file at {path}.", hint="Make one with `copydesk train data` or `copydesk export feedback`.")
    return list(iter_examples(path))


def write_examples(path: Path, examples: Iterable[ChatExample]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example.to_json(), ensure_ascii=False) + "\n")
            count += 1
    return count


def load_split(data: Path, split: str) -> list[ChatExample]:
    """`data` is a folder holding <split>.jsonl, or (for the train split) one JSONL file."""
    if data.is_file():
        return read_examples(data) if split == "train" else []
    path = data / f"{split}.jsonl"
    if split != "train" and not path.is_file():
        return []
    return read_examples(path)

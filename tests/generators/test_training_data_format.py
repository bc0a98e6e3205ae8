"""The chat JSONL format of generators.training: round trip, preference records, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.errors import InputError
from generators.training.examples import ChatExample, load_split, read_examples, write_examples

PROMPT = [{"role": "system", "content": "You write listings."}, {"role": "user", "content": "- Colour: Red"}]


def test_sft_and_preference_records_round_trip(tmp_path: Path) -> None:
    examples = [
        ChatExample(prompt=PROMPT, completion="A red mug.", meta={"sku": "1"}),
        ChatExample(prompt=PROMPT, completion="A red mug you will love.", rejected="A blue mug.", meta={"sku": "2"}),
    ]
    path = tmp_path / "train.jsonl"
    assert write_examples(path, examples) == 2
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["completion"] == [{"role": "assistant", "content": "A red mug."}]
    assert records[1]["chosen"][0]["content"] == "A red mug you will love." and records[1]["rejected"][0]["content"] == "A blue mug."
    assert read_examples(path) == examples


def test_plain_string_prompt_and_completion_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps({"prompt": "Title for a red mug", "completion": "Red Mug"}) + "\n\n")
    (example,) = read_examples(path)
    assert example.prompt == [{"role": "user", "content": "Title for a red mug"}]
    assert example.completion == "Red Mug"
    assert load_split(path, "train") == [example] and load_split(path, "validation") == []


@pytest.mark.parametrize(
    "record, message",
    [
        ({"prompt": [], "completion": "x"}, "non-empty list"),
        ({"prompt": [{"role": "robot", "content": "x"}], "completion": "x"}, "role"),
        ({"prompt": "x"}, "needs 'completion'"),
        ({"prompt": "x", "completion": "  "}, "empty"),
    ],
)
def test_bad_records_name_the_line(tmp_path: Path, record: dict, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"prompt": "ok", "completion": "fine"}) + "\n" + json.dumps(record) + "\n")
    with pytest.raises(InputError, match=message) as error:
        read_examples(path)
    assert f"{path}:2" in str(error.value)


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="copydesk train data"):
        read_examples(tmp_path / "nope.jsonl")

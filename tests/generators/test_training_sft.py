"""LoRA fine-tuning on the tiny random model: loss masking, checkpoints, resume, validation loss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from generators.training import ChatExample, SFTConfig, train_sft, write_examples
from generators.training.checkpoint import STATE_FILE, latest_checkpoint
from generators.training.encoding import IGNORE, collate, encode

SYSTEM = {"role": "system", "content": "You write product listings."}


def _examples(n: int) -> list[ChatExample]:
    return [
        ChatExample(prompt=[SYSTEM, {"role": "user", "content": f"- Product: Mug {i}\n- Colour: Red\nWrite a title."}],
                    completion=f"Red Mug {i}", meta={"sku": str(i)})
        for i in range(n)
    ]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    examples = _examples(9)
    write_examples(tmp_path / "data" / "train.jsonl", examples[:6])
    write_examples(tmp_path / "data" / "validation.jsonl", examples[6:])
    return tmp_path / "data"


def test_loss_is_on_the_completion_tokens_only(tiny_lm_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    example = _examples(1)[0]
    item = encode(example, tokenizer, max_length=512)
    prompt_text = tokenizer.apply_chat_template(example.prompt, tokenize=False, add_generation_prompt=True)
    n_prompt = len(tokenizer(prompt_text, add_special_tokens=False)["input_ids"])
    assert item.labels[:n_prompt] == [IGNORE] * n_prompt
    learned = tokenizer.decode([t for t in item.labels if t != IGNORE])
    assert learned.startswith("Red Mug 0<|im_end|>")  # the answer and the end-of-turn token that stops generation
    assert item.input_ids[n_prompt:] == item.labels[n_prompt:]
    assert encode(example, tokenizer, max_length=n_prompt + 3) is None  # no room left for the answer
    batch = collate([item, encode(_examples(2)[1], tokenizer, 512)], pad_id=tokenizer.pad_token_id)
    assert batch["input_ids"].shape == batch["labels"].shape == batch["attention_mask"].shape
    assert bool(((batch["attention_mask"] == 0) <= (batch["labels"] == IGNORE)).all())  # padding never scored


def test_two_steps_then_resume_to_three(tiny_lm_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    config = SFTConfig(data=data_dir, base=str(tiny_lm_dir), out=out, max_steps=2, batch_size=2, device="cpu",
                       checkpoint_every=1, progress=False, seed=7)
    first = train_sft(config)
    assert first.steps == 2 and first.train_examples == 6 and first.validation_examples == 3
    assert (out / "adapter_config.json").is_file() and (out / "adapter_model.safetensors").is_file()
    assert first.validation_loss and first.validation_loss[-1]["loss"] > 0
    assert first.tokens_per_s > 0 and first.examples_per_s > 0
    checkpoint = latest_checkpoint(out)
    assert checkpoint is not None and checkpoint.name == "step-0000002"
    state = torch.load(checkpoint / STATE_FILE, weights_only=False)
    assert state["position"]["step"] == 2 and state["optimizer"]["state"]  # Adam moments were saved

    config.max_steps, config.resume = 3, True
    second = train_sft(config)
    assert second.resumed_from_step == 2 and second.steps == 3
    assert len(second.step_losses) == 1  # only the one new step ran
    saved = json.loads((out / "training.json").read_text())
    assert saved["steps"] == 3 and saved["config"]["resume"] is True


def test_training_changes_the_adapter_and_lowers_the_loss(tiny_lm_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    report = train_sft(SFTConfig(data=data_dir, base=str(tiny_lm_dir), out=tmp_path / "a", epochs=3, batch_size=3,
                                 lr=1e-2, device="cpu", checkpoint_every=0, progress=False))
    assert report.steps == 6 and len(report.validation_loss) == 3  # one validation loss per epoch
    assert report.step_losses[-1] < report.step_losses[0]
    assert report.validation_loss[-1]["loss"] < report.initial_validation_loss


def test_resume_without_a_checkpoint_is_a_clear_error(tiny_lm_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    from copydesk.errors import InputError

    with pytest.raises(InputError, match="no checkpoint"):
        train_sft(SFTConfig(data=data_dir, base=str(tiny_lm_dir), out=tmp_path / "a", max_steps=1, resume=True,
                            device="cpu", progress=False))

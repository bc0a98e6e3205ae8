"""Turn chat examples into token ids with the loss on the completion tokens only.

The prompt is rendered with the tokenizer's own chat template and
``add_generation_prompt=True`` (exactly what generation sees at inference); the
completion is the assistant turn that follows, closing end-of-turn token included,
so the model learns where to stop.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from generators.training.examples import ChatExample

IGNORE = -100


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]

    @property
    def completion_tokens(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


def encode(example: ChatExample, tokenizer, max_length: int) -> Encoded | None:
    """None when the prompt alone leaves no room for at least 8 completion tokens."""
    prompt_text = tokenizer.apply_chat_template(example.prompt, tokenize=False, add_generation_prompt=True)
    full_text = tokenizer.apply_chat_template(
        example.prompt + [{"role": "assistant", "content": example.completion}], tokenize=False
    )
    if not full_text.startswith(prompt_text):  # a template that rewrites earlier turns; not seen with SmolLM2
        raise ValueError("The chat template renders the prompt differently once an answer follows it.")
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    completion_ids = tokenizer(full_text[len(prompt_text):], add_special_tokens=False)["input_ids"]
    room = max_length - len(prompt_ids)
    if room < 8:
        return None
    completion_ids = completion_ids[:room]
    return Encoded(input_ids=prompt_ids + completion_ids, labels=[IGNORE] * len(prompt_ids) + completion_ids)


def collate(batch: list[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad to the longest in the batch; padding is masked out of attention and loss."""
    width = max(len(item.input_ids) for item in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, item in enumerate(batch):
        n = len(item.input_ids)
        ids[row, :n] = torch.tensor(item.input_ids)
        labels[row, :n] = torch.tensor(item.labels)
        mask[row, :n] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}

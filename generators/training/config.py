"""The settings of one fine-tuning run, saved beside the adapter so a run can be repeated."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class SFTConfig:
    data: Path                      # folder with train.jsonl (+ validation.jsonl), or one JSONL file
    base: str                       # a local model folder or a Hugging Face id already in the cache
    out: Path                       # where the adapter, checkpoints and training.json go
    init_adapter: Path | None = None  # continue training this LoRA adapter instead of a fresh one
    epochs: float = 1.0
    max_steps: int | None = None    # optimiser steps; overrides epochs when set
    batch_size: int = 8
    lr: float = 3e-4
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    max_length: int = 512           # tokens per example (prompt + completion)
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: list[str] | str = "all-linear"
    seed: int = 1234
    device: str = "auto"            # auto: CUDA (bf16) when present, else CPU (float32)
    checkpoint_every: int = 200     # optimiser steps between checkpoints (and one at each epoch end)
    keep_checkpoints: int = 2
    max_eval_examples: int | None = 512
    resume: bool = False
    save_dtype: str = "bfloat16"    # dtype of the saved adapter weights (checkpoints keep float32)
    threads: int = 0                # CPU threads (0: torch's default)
    progress: bool = True
    extra: dict = field(default_factory=dict)  # recorded as is in training.json (e.g. the data recipe)

    def to_json(self) -> dict:
        record = asdict(self)
        for key in ("data", "out", "init_adapter"):
            record[key] = None if record[key] is None else str(record[key])
        return record

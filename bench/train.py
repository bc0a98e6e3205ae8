"""Training throughput of the default model: LoRA fine-tuning steps vs forward-only passes, same batches.

    python -m bench.train [--steps 3] [--batch-size 4] [--max-length 256] [--device cpu]

Builds examples from a few shared-data products with `copydesk train data`'s builder, runs
`train_sft` for a few optimiser steps (LoRA rank 16 on all linear layers), and times a forward-only
loss pass over the same number of examples as the baseline: the ratio says what the backward pass
and optimiser cost on top of reading the batch. Writes bench/results/train.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._common import machine, write_result

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "products"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.train", description=__doc__)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--base", default=None, help="model folder (default: the built-in SmolLM2-135M-Instruct)")
    args = parser.parse_args()

    import torch

    from chains.training_data.examples import write_training_data
    from copydesk.settings import Settings
    from generators.text.builtin import builtin_model_dir
    from generators.training import SFTConfig, train_sft
    from generators.training.examples import load_split
    from generators.training.sft import _encode_all, _load_model, evaluate_loss, pick_device

    settings = Settings(_env_file=None)
    base = args.base or str(builtin_model_dir("builtin:SmolLM2-135M-Instruct", settings.models_path))
    work = Path(tempfile.mkdtemp(prefix="bench-train-"))
    files = [SHARED / "amazon-uk-toys.csv", SHARED / "icecat-electronics.jsonl"]
    write_training_data(files, work / "data", settings.model_copy(update={"home": work / "home"}), limit=40)
    needed = args.steps * args.batch_size

    config = SFTConfig(data=work / "data", base=base, out=work / "adapter", max_steps=args.steps,
                       batch_size=args.batch_size, max_length=args.max_length, device=args.device,
                       checkpoint_every=0, max_eval_examples=args.batch_size, progress=False)
    report = train_sft(config)

    device, dtype = pick_device(args.device)
    tokenizer, model = _load_model(config, device, dtype)
    items, _ = _encode_all(load_split(work / "data", "train")[:needed], tokenizer, args.max_length)
    started = time.perf_counter()
    evaluate_loss(model, items, tokenizer.pad_token_id, args.batch_size, device, dtype)
    if device.type == "cuda":
        torch.cuda.synchronize()
    forward_s = time.perf_counter() - started
    forward_tokens = sum(len(i.input_ids) for i in items)

    write_result("train", {
        "machine": machine(),
        "device": report.device, "dtype": report.dtype, "base": base,
        "lora": {"r": config.lora_r, "alpha": config.lora_alpha, "targets": config.target_modules,
                 "trainable_params": report.trainable_params},
        "steps": report.steps, "batch_size": args.batch_size, "max_length": args.max_length,
        "train": {"seconds": report.train_s, "seconds_per_step": round(report.train_s / max(report.steps, 1), 2),
                  "examples_per_s": report.examples_per_s, "tokens_per_s": report.tokens_per_s},
        "forward_only": {"seconds": round(forward_s, 2), "examples": len(items),
                         "examples_per_s": round(len(items) / forward_s, 2),
                         "tokens_per_s": round(forward_tokens / forward_s, 1)},
        "train_over_forward_time_per_token": round((forward_tokens / forward_s) / report.tokens_per_s, 2)
        if report.tokens_per_s else None,
    })


if __name__ == "__main__":
    main()

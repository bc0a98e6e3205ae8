"""`python -m generators.training --data DIR --base MODEL_DIR --out ADAPTER_DIR`.

The same loop as `copydesk train sft`, with only torch, transformers and peft needed:
for a GPU machine that has no copydesk dependencies installed.
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import asdict
from pathlib import Path

from generators.training.config import SFTConfig
from generators.training.sft import train_sft


def parse_args(argv: list[str] | None = None) -> SFTConfig:
    parser = argparse.ArgumentParser(prog="python -m generators.training", description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder with train.jsonl (+ validation.jsonl) or a JSONL file")
    parser.add_argument("--base", required=True, help="base model folder")
    parser.add_argument("--out", type=Path, required=True, help="adapter output folder")
    parser.add_argument("--init-adapter", type=Path, default=None, help="continue training this adapter")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--max-length", type=int, default=512)
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--lora-alpha", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--checkpoint-every", type=int, default=200)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--save-dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    return SFTConfig(
        data=args.data, base=args.base, out=args.out, init_adapter=args.init_adapter, epochs=args.epochs,
        max_steps=args.max_steps, batch_size=args.batch_size, lr=args.lr, max_length=args.max_length,
        lora_r=args.lora_r, lora_alpha=args.lora_alpha, seed=args.seed, device=args.device,
        checkpoint_every=args.checkpoint_every, resume=args.resume, save_dtype=args.save_dtype, progress=not args.no_progress,
    )


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    report = train_sft(parse_args(argv))
    summary = {k: v for k, v in asdict(report).items() if k not in ("step_losses", "config")}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()

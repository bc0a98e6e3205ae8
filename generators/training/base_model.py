"""`python -m generators.training.base_model GGUF_FOLDER GGUF_FILE OUT [--dtype bfloat16]`.

A plain safetensors folder from a GGUF file, for training on a machine that has only torch and
transformers (+ the pure-Python gguf package). transformers marks a model loaded from GGUF as
quantized and will not save it, so the dequantised weights are copied into a fresh model of the
same config, which saves normally. The weights are the ones copydesk serves on the CPU, so an
adapter trained over them fits the default model.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def convert_gguf(folder: Path, gguf_file: str, out: Path, dtype: str = "bfloat16") -> Path:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf_file)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=gguf_file)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(config)
    fresh.load_state_dict(loaded.state_dict(), strict=True)
    fresh.to(getattr(torch, dtype)).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m generators.training.base_model", description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("gguf_file")
    parser.add_argument("out", type=Path)
    parser.add_argument("--dtype", default="bfloat16")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    convert_gguf(args.folder, args.gguf_file, args.out, args.dtype)
    print(f"converted {args.folder / args.gguf_file} -> {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

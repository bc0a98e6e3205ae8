"""copydesk's image call against a bare diffusers pipeline call: same model, steps, size and seeds.

    .venv/bin/python -m bench.image                                  # tiny random SD, CPU (this machine)
    python -m bench.image --sd15-shaped --size 512x512 --steps 4     # SD 1.5-shaped random UNet on a GPU

copydesk's call is `ImageGenerator.generate(job)`: preparing the job, the device queue's hand-off to its
worker thread, the pipeline call with a per-job seeded generator and a progress callback, and the PNG
encoding. The baseline calls the same loaded pipeline object directly (`pipe(prompt, ...)`) and encodes
the PNG the same way, since a file is what both deliver; its time without the PNG is reported too.
The two are interleaved (A B, B A, A B, ...) after warm-up, and the ratio of medians is the figure.
Target: ratio <= 1.05. A second figure: 4 jobs submitted at once (the queue batches them) against
4 sequential bare calls. Weights are random (none can be downloaded here): only times mean anything.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench._common import RESULTS, machine, percentiles  # noqa: E402

PROMPT = "product photo of a grey wireless mouse on a light oak desk, soft light"  # < 77 tokens for any CLIP
NEGATIVE = "blurry, low quality, deformed product, watermark"


def load(args: argparse.Namespace):
    from generators.images.device import pick_placement
    from generators.images.pipeline import ImageGenerator

    started = time.perf_counter()
    if args.sd15_shaped:
        from tests.fixtures.tiny_sd import sd15_shaped_pipeline

        placement = pick_placement(args.device)
        pipe = sd15_shaped_pipeline(placement.device, placement.dtype)
        generator = ImageGenerator(pipe, placement=placement, model_name="random SD 1.5-shaped")
        from generators.images.device import apply_placement

        apply_placement(pipe, placement)
        name = "random SD 1.5-shaped (UNet 860M params)"
    else:
        model = args.model
        if model is None:
            from tests.fixtures.tiny_sd import build_tiny_sd

            model = str(build_tiny_sd(Path(__file__).resolve().parent.parent / ".copydesk-test-cache" / "tiny-sd"))
        generator = ImageGenerator.from_pretrained(model, device=args.device)
        name = model
    return generator, name, time.perf_counter() - started


def bare_call(pipe, args, seed: int, width: int, height: int, png: bool) -> float:
    import torch

    started = time.perf_counter()
    image = pipe(PROMPT, negative_prompt=NEGATIVE, num_inference_steps=args.steps, width=width, height=height,
                 generator=torch.Generator("cpu").manual_seed(seed), guidance_scale=args.guidance,
                 output_type="pil").images[0]
    if png:
        image.save(io.BytesIO(), format="PNG", compress_level=4)
    return time.perf_counter() - started


def copydesk_call(generator, args, seed: int, width: int, height: int) -> tuple[float, dict]:
    from copydesk.domain import ImageJob

    steps_seen = []
    job = ImageJob(prompt=PROMPT, negative_prompt=NEGATIVE, width=width, height=height, steps=args.steps,
                   seed=seed, guidance_scale=args.guidance)
    started = time.perf_counter()
    result = generator.generate(job, on_step=lambda k, n: steps_seen.append(k))
    elapsed = time.perf_counter() - started
    assert len(result.png) > 0 and steps_seen[-1] == args.steps
    return elapsed, result.timings


def batched(generator, args, width: int, height: int, jobs: int = 4) -> tuple[float, float]:
    """(4 jobs submitted at once through the queue, 4 sequential bare calls), seconds."""
    from copydesk.domain import ImageJob

    pipe = generator.base
    started = time.perf_counter()
    for seed in range(jobs):
        bare_call(pipe, args, seed, width, height, png=True)
    sequential = time.perf_counter() - started
    gate = threading.Lock()
    gate.acquire()  # hold the worker so all jobs are queued before the first batch forms
    runner = generator.queue._run_batch
    generator.queue._run_batch = lambda tickets: (gate.acquire(), gate.release(), runner(tickets))[2]
    started = time.perf_counter()
    futures = [generator.submit(ImageJob(prompt=PROMPT, negative_prompt=NEGATIVE, width=width, height=height,
                                         steps=args.steps, seed=s, guidance_scale=args.guidance)) for s in range(jobs)]
    gate.release()
    sizes = [f.result().timings["batch_size"] for f in futures]
    together = time.perf_counter() - started
    generator.queue._run_batch = runner
    print(f"batch sizes seen: {sizes}")
    return together, sequential


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="diffusers model folder/id (default: the tiny random test pipeline)")
    parser.add_argument("--sd15-shaped", action="store_true", help="random SD 1.5-shaped pipeline (GPU)")
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when present)")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--size", default="128x128")
    parser.add_argument("--guidance", type=float, default=7.5)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--out", type=Path, default=RESULTS / "image.json")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))

    generator, name, load_s = load(args)
    pipe = generator.base
    for seed in range(2):  # warm-up: kernels, allocator, the derived pipelines
        bare_call(pipe, args, seed, width, height, png=True)
        copydesk_call(generator, args, seed, width, height)
    ours, bare, bare_no_png, parts = [], [], [], []
    for i in range(args.repeats):
        seed = 100 + i
        if i % 2:  # alternate who goes first, so neither side always runs right after the other
            bare.append(bare_call(pipe, args, seed, width, height, png=True))
        elapsed, timings = copydesk_call(generator, args, seed, width, height)
        ours.append(elapsed)
        parts.append(timings)
        if not i % 2:
            bare.append(bare_call(pipe, args, seed, width, height, png=True))
        bare_no_png.append(bare_call(pipe, args, seed, width, height, png=False))
    batched(generator, args, width, height)  # warm-up: a batch of 4 is a new shape for the kernels
    together, sequential = batched(generator, args, width, height)

    ratio = statistics.median(ours) / statistics.median(bare)
    data = {
        "benchmark": "image",
        "model": name,
        "weights": "random (no diffusion weights can be downloaded here): times only",
        "device": generator.placement.describe(),
        "gpu": _gpu_name(),
        "steps": args.steps,
        "size": f"{width}x{height}",
        "guidance_scale": args.guidance,
        "repeats": args.repeats,
        "load_s": round(load_s, 3),
        "copydesk_generate": percentiles(ours),
        "bare_pipeline_plus_png": percentiles(bare),
        "bare_pipeline_only": percentiles(bare_no_png),
        "copydesk_parts_median_ms": {
            key: round(statistics.median(p[key] for p in parts) * 1000, 3)
            for key in ("queue_wait_s", "generate_s", "encode_png_s")
        },
        "ratio_copydesk_over_bare": round(ratio, 4),
        "target_ratio": 1.05,
        "four_jobs_batched_s": round(together, 4),
        "four_bare_calls_sequential_s": round(sequential, 4),
        "batching_speedup": round(sequential / together, 3),
        "machine": machine(),
    }
    import json

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=2))
    print(f"wrote {args.out}")
    return 0


def _gpu_name() -> str | None:
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Text generation speed: copydesk's generator against a bare `model.generate`, same model, same run.

    .venv/bin/python -m bench.generate                 # the default model on this machine (CPU here)
    python3 -m bench.generate --random-weights DIR     # SmolLM2-135M's shapes with random weights (GPU run)

Both sides sample with the same seed and settings, so they write the same tokens (checked); the
ratio is wrapper seconds / bare seconds. Time to first token (TTFT) is the time until the first
text reaches a streamer. Variants: one candidate, K candidates in one batch, and K candidates
with the number constraint and a stop sequence (what the copy chain asks for).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
from transformers import GenerationConfig
from transformers.generation.streamers import BaseStreamer

from generators.text.base import ChatMessage
from generators.text.constraints import LogprobRecorder, NumberConstraint, StopOnText
from generators.text.loading import choose_device
from generators.text.local import TransformersGenerator
from generators.text.number_trie import NumberTrie
from generators.text.streaming import CandidateStreamer

RESULTS = Path(__file__).parent / "results"
FACTS = (
    "F1 brand: Philips\nF2 product: LED monitor 27E1N5800E\nF3 screen size: 27 inch\n"
    "F4 resolution: 3840 x 2160 pixels\nF5 refresh rate: 60 Hz\nF6 weight: 5.8 kg\nF7 ports: HDMI 2.0, USB-C"
)
MESSAGES = [
    ChatMessage("system", "You are a copywriter for an electronics shop."),
    ChatMessage("user", f"Facts:\n{FACTS}\n\nWrite a long, detailed product description from these facts."),
]
ALLOWED = {"27", "3840", "2160", "60", "5.8", "2.0", "5800"}
TEMPERATURE, TOP_P, SEED = 0.8, 0.95, 1234


class FirstTokenClock(BaseStreamer):
    """Notes when the first generated token arrives (the first `put` is the prompt)."""

    def __init__(self) -> None:
        self.calls = 0
        self.first: float | None = None

    def put(self, value) -> None:
        self.calls += 1
        if self.calls == 2:
            self.first = time.perf_counter()

    def end(self) -> None:
        pass


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def bare(gen: TransformersGenerator, k: int, new_tokens: int) -> dict:
    """What a script would write by hand: tokenize the chat, model.generate, decode."""
    started = time.perf_counter()
    prompt = gen.tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in MESSAGES],
        add_generation_prompt=True, return_dict=True, return_tensors="pt",
    )["input_ids"].to(gen.device).repeat(k, 1)
    config = GenerationConfig(
        max_new_tokens=new_tokens, do_sample=True, temperature=TEMPERATURE, top_p=TOP_P, top_k=0,
        eos_token_id=gen._end_ids, pad_token_id=gen.tokenizer.pad_token_id,
    )
    clock = FirstTokenClock()
    torch.manual_seed(SEED)
    with torch.inference_mode():
        out = gen.model.generate(input_ids=prompt, attention_mask=torch.ones_like(prompt),
                                 generation_config=config, streamer=clock)
    texts = gen.tokenizer.batch_decode(out[:, prompt.shape[1]:], skip_special_tokens=True)
    sync(gen.device)
    seconds = time.perf_counter() - started
    tokens = sum(len([t for t in row if t not in gen._end_ids]) for row in out[:, prompt.shape[1]:].tolist())
    return {"seconds": seconds, "ttft_s": clock.first - started, "tokens": tokens, "texts": texts,
            "sequences": out, "prompt_length": prompt.shape[1]}


def hook_overhead_ms(gen: TransformersGenerator, run: dict) -> dict[str, float]:
    """Milliseconds per decoding step that copydesk's hooks add, replayed over a bare run's tokens.

    Whole-run ratios on a shared CPU swing by more than these hooks cost; this isolates them.
    """
    sequences, prompt_length = run["sequences"], run["prompt_length"]
    rows, vocab = sequences.shape[0], gen.model.config.vocab_size
    trie = NumberTrie(ALLOWED)
    hooks = {
        "logprob_recorder": LogprobRecorder(),
        "number_constraint": NumberConstraint(gen.tokenizer, trie, gen.number_tokens(), prompt_length, gen._end_ids),
        "stop_sequences": StopOnText(gen.tokenizer, ["\n\n\n\n"], prompt_length),
    }
    streamer = CandidateStreamer(gen.tokenizer, rows, ["\n\n\n\n"], gen._end_ids, lambda i, d: None, trie)
    streamer.put(sequences[:, :prompt_length].cpu())
    spent = dict.fromkeys([*hooks, "streamer"], 0.0)
    steps = sequences.shape[1] - prompt_length
    for end in range(prompt_length, sequences.shape[1]):
        ids, scores = sequences[:, :end], torch.randn(rows, vocab, device=sequences.device)
        for name, hook in hooks.items():
            started = time.perf_counter()
            hook(ids, scores)
            sync(gen.device)
            spent[name] += time.perf_counter() - started
        started = time.perf_counter()
        streamer.put(sequences[:, end].cpu())
        spent["streamer"] += time.perf_counter() - started
    return {name: 1000 * seconds / steps for name, seconds in spent.items()}


def wrapped(gen: TransformersGenerator, k: int, new_tokens: int, constrained: bool = False) -> dict:
    first: list[float] = []
    started = time.perf_counter()
    results = gen.generate(
        MESSAGES, n=k, max_new_tokens=new_tokens, temperature=TEMPERATURE, top_p=TOP_P, seed=SEED,
        allowed_numbers=ALLOWED if constrained else None, stop=["\n\n\n\n"] if constrained else (),
        on_text=lambda i, d: first.append(time.perf_counter()) if not first else None,
    )
    sync(gen.device)
    seconds = time.perf_counter() - started
    tokens = sum(r.tokens - (r.finish_reason == "stop") for r in results)  # the end token is not text
    return {"seconds": seconds, "ttft_s": (first[0] - started) if first else None, "tokens": tokens,
            "texts": [r.text for r in results]}


def measure_hooks(gen: TransformersGenerator, k: int, n: int) -> dict:
    run = bare(gen, k, n)
    per_step = run["seconds"] / max(1, run["sequences"].shape[1] - run["prompt_length"])
    hooks = hook_overhead_ms(gen, run)
    total = sum(hooks.values())
    print(f"  hooks per step at K={k}: " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in hooks.items())
          + f"; total {total:.2f} ms = {100 * total / (1000 * per_step):.1f}% of a {1000 * per_step:.0f} ms bare step")
    return {**hooks, "total": total, "bare_step_ms": 1000 * per_step}


def median_of(runs: list[dict]) -> dict:
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "ttft_s": statistics.median(r["ttft_s"] for r in runs if r["ttft_s"] is not None),
        "tokens": runs[0]["tokens"],
    }


def summary(name: str, runs: list[dict]) -> dict:
    m = median_of(runs)
    m["tokens_per_s"] = m["tokens"] / m["seconds"]
    print(f"  {name:28s} {m['seconds']:7.2f} s  {m['tokens_per_s']:7.1f} tok/s  TTFT {m['ttft_s'] * 1000:7.1f} ms"
          f"  ({m['tokens']} tokens)", flush=True)
    return m


def load(args: argparse.Namespace) -> TransformersGenerator:
    if args.random_weights:
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

        device, dtype = choose_device()
        config = AutoConfig.from_pretrained(args.random_weights)
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config, dtype=dtype).to(device)
        tokenizer = AutoTokenizer.from_pretrained(args.random_weights)
        return TransformersGenerator(model, tokenizer, name=f"random-weights {config.model_type} ({args.random_weights})")
    from copydesk.settings import Settings
    from generators.text.factory import load_text_generator

    generator = load_text_generator(Settings())
    assert isinstance(generator, TransformersGenerator), "bench.generate measures the local backend"
    return generator


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random-weights", type=Path, help="folder with config.json + tokenizer: random weights")
    parser.add_argument("--new-tokens", type=int, default=32)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS / "generate.json")
    parser.add_argument("--hooks-only", action="store_true",
                        help="only measure the per-step cost of copydesk's hooks, added to an existing --out file")
    args, ignored = parser.parse_known_args(argv)  # `python -m bench` passes the module names along
    if ignored:
        print(f"ignoring arguments {ignored}")

    gen = load(args)
    k, n = args.candidates, args.new_tokens
    if args.hooks_only:
        report = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
        report["hook_overhead_ms_per_step"] = measure_hooks(gen, k, n)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        return 0
    print(f"model {gen.name} on {gen.device} ({next(gen.model.parameters()).dtype}), torch threads "
          f"{torch.get_num_threads()}, {n} new tokens, K={k}, {args.repeats} repeats (median)", flush=True)
    wrapped(gen, 1, 4), bare(gen, 1, 4), wrapped(gen, k, 4, constrained=True)  # warm-up
    runs: dict[str, list[dict]] = {name: [] for name in ("bare_k1", "copydesk_k1", "bare_kK", "copydesk_kK", "copydesk_kK_constrained")}
    for _ in range(args.repeats):  # interleaved, so load on a shared machine hits both sides alike
        runs["bare_k1"].append(bare(gen, 1, n))
        runs["copydesk_k1"].append(wrapped(gen, 1, n))
        runs["bare_kK"].append(bare(gen, k, n))
        runs["copydesk_kK"].append(wrapped(gen, k, n))
        runs["copydesk_kK_constrained"].append(wrapped(gen, k, n, constrained=True))
    same_tokens = all(b["texts"] == w["texts"] for b, w in zip(runs["bare_k1"] + runs["bare_kK"], runs["copydesk_k1"] + runs["copydesk_kK"]))
    results = {name: summary(name, r) for name, r in runs.items()}
    hooks = measure_hooks(gen, k, n)
    ratios = {
        "k1": results["copydesk_k1"]["seconds"] / results["bare_k1"]["seconds"],
        "kK": results["copydesk_kK"]["seconds"] / results["bare_kK"]["seconds"],
        "kK_constrained_per_token": (results["copydesk_kK_constrained"]["seconds"] / results["copydesk_kK_constrained"]["tokens"])
        / (results["bare_kK"]["seconds"] / results["bare_kK"]["tokens"]),
    }
    print(f"  ratio copydesk/bare: K=1 {ratios['k1']:.3f}, K={k} {ratios['kK']:.3f}, "
          f"K={k} constrained (per token) {ratios['kK_constrained_per_token']:.3f}; same tokens: {same_tokens}")
    report = {
        "model": gen.name, "device": str(gen.device),
        "device_name": torch.cuda.get_device_name() if gen.device.type == "cuda" else platform.processor() or platform.machine(),
        "dtype": str(next(gen.model.parameters()).dtype), "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__, "new_tokens": n, "candidates": k, "repeats": args.repeats,
        "same_tokens_as_bare": same_tokens, "results": results, "ratio_copydesk_over_bare": ratios,
        "hook_overhead_ms_per_step": hooks,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"  written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

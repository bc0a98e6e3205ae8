"""bench.draft: end-to-end `CopyChain.draft` against a bare `model.generate` of the same work, in one run.

The chain's generator is wrapped to record every call it makes (prompt, n, sampling settings, and how many
new tokens the batch actually ran for). The baseline then replays exactly those calls with a bare
`model.generate` (same prompt ids, same n, same number of new tokens forced with min_new_tokens, no
number constraint, stop criteria, streaming, verification, rules, ranking, retrieval or storage).
ratio = draft time / bare time (target <= 1.15): what the chain costs beyond the model's own work.
Also: new tokens per second, and time to first streamed token for the chain vs the bare model.

Run: `.venv/bin/python -m bench.draft` (COPYDESK_* settings apply; default the builtin SmolLM2).
Writes bench/results/draft.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Call:
    messages: list
    n: int
    temperature: float
    top_p: float
    seed: int | None
    steps: int  # new tokens the batch ran for (the longest candidate)
    tokens: int  # new tokens over all candidates
    seconds: float


class RecordingGenerator:
    """The real generator, with each call recorded for the replay."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls: list[Call] = []

    def generate(self, messages, **kwargs):
        started = time.perf_counter()
        generations = self.inner.generate(messages, **kwargs)
        seconds = time.perf_counter() - started
        self.calls.append(Call(list(messages), kwargs.get("n", 1), kwargs.get("temperature", 0.8),
                               kwargs.get("top_p", 0.95), kwargs.get("seed"),
                               max(1, max(g.tokens for g in generations)), sum(g.tokens for g in generations), seconds))
        return generations

    def score(self, messages, completion):
        return self.inner.score(messages, completion)


def bare_generate(generator, call: Call, *, steps: int | None = None) -> float:
    """model.generate for the same prompt and batch, forced to the same number of new tokens; seconds."""
    import torch

    chat = [{"role": m.role, "content": m.content} for m in call.messages]
    ids = generator.tokenizer.apply_chat_template(chat, add_generation_prompt=True, return_dict=True,
                                                  return_tensors="pt")["input_ids"].to(generator.device)
    ids = ids.repeat(call.n, 1)
    steps = steps or call.steps
    if call.seed is not None:
        torch.manual_seed(call.seed)
    started = time.perf_counter()
    with torch.inference_mode():
        generator.model.generate(
            input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=call.temperature > 0,
            temperature=call.temperature or None, top_p=call.top_p, top_k=0, max_new_tokens=steps,
            min_new_tokens=steps, pad_token_id=generator.tokenizer.pad_token_id,
        )
    return time.perf_counter() - started


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from chains.drafting import CopyChain
    from copydesk.state.drafts import DraftStore
    from copydesk.paths import SHARED_DATA_DIR
    from copydesk.settings import Settings
    from generators.text.factory import load_text_generator
    from retrieval.catalog import Catalog

    settings = Settings()
    work = Path(tempfile.mkdtemp(prefix="copydesk-bench-draft-"))
    scratch = settings.model_copy(update={"home": work / "home"})
    (work / "home").mkdir(parents=True)
    settings.models_path.mkdir(parents=True, exist_ok=True)
    (work / "home" / "models").symlink_to(settings.models_path)  # the converted model is reused, not redone
    products = _sample_files(SHARED_DATA_DIR / "products", work)
    catalog = Catalog.open(scratch)
    catalog.ingest_products(products)
    skus = [p.sku for p in _first_products(products)]

    generator = load_text_generator(settings)
    recorder = RecordingGenerator(generator)
    chain = CopyChain(catalog, recorder, DraftStore(scratch.db_path), scratch)
    from generators.text.base import ChatMessage

    generator.generate([ChatMessage("user", "Hello")], n=2, max_new_tokens=2)  # warm-up: first-call allocations

    rows = []
    for sku in skus:
        first: list[float] = []
        started = time.perf_counter()
        result = chain.draft(chain.catalog.product(sku), on_text=lambda delta: first or first.append(time.perf_counter()))
        draft_s = time.perf_counter() - started
        calls, recorder.calls = recorder.calls, []
        bare_s = sum(bare_generate(generator, call) for call in calls)
        stream_call = next(c for c in calls if "description" in c.messages[-1].content.lower())
        bare_ttft = bare_generate(generator, stream_call, steps=1)
        rows.append({
            "sku": sku, "draft_s": draft_s, "bare_s": bare_s, "ratio": draft_s / bare_s,
            "generate_s": sum(c.seconds for c in calls), "calls": len(calls),
            "new_tokens": sum(c.tokens for c in calls), "batch_steps": sum(c.steps for c in calls),
            "ttft_s": (first[0] - started) if first else None, "bare_ttft_s": bare_ttft,
            "timings": result.draft.timings, "origin": result.draft.origin,
        })
        print(f"{sku}: draft {draft_s:.2f}s, bare {bare_s:.2f}s, ratio {draft_s / bare_s:.3f}", flush=True)

    draft_total, bare_total = sum(r["draft_s"] for r in rows), sum(r["bare_s"] for r in rows)
    tokens = sum(r["new_tokens"] for r in rows)
    summary = {
        "benchmark": "draft",
        "model": generator.name,
        "candidates": settings.candidates,
        "max_new_tokens": settings.max_new_tokens,
        "threads": settings.llm_threads or None,
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f} at the end",
        "products": len(rows),
        "draft_s": round(draft_total, 3),
        "bare_generate_s": round(bare_total, 3),
        "ratio": round(draft_total / bare_total, 3),
        "target_ratio": 1.15,
        "tokens_per_s_draft": round(tokens / draft_total, 2),
        "tokens_per_s_bare": round(tokens / bare_total, 2),
        "ttft_s_median": _median([r["ttft_s"] for r in rows]),
        "bare_ttft_s_median": _median([r["bare_ttft_s"] for r in rows]),
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "draft.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}, indent=2))
    return 0


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def _sample_files(products: Path, work: Path) -> list[Path]:
    """One Icecat product and one Amazon toy (the first rows, unchanged): a draft takes minutes on a busy CPU."""
    import csv
    import itertools

    icecat = work / "icecat.jsonl"
    with (products / "icecat-electronics.jsonl").open(encoding="utf-8") as source:
        icecat.write_text("".join(itertools.islice(source, 1)), encoding="utf-8")
    amazon = work / "amazon.csv"
    csv.field_size_limit(64 * 1024 * 1024)
    with (products / "amazon-uk-toys.csv").open(encoding="utf-8", newline="") as source, amazon.open(
        "w", encoding="utf-8", newline=""
    ) as target:
        csv.writer(target).writerows(itertools.islice(csv.reader(source), 2))
    return [icecat, amazon]


def _first_products(paths: list[Path]):
    from retrieval.readers import RowError, read_products

    return [p for path in paths for p in read_products(path) if not isinstance(p, RowError)]


if __name__ == "__main__":
    sys.exit(main())

"""The fluency gate on the hand-labelled set (tests/data/fluency/sentences.jsonl: garbled and fluent texts).

Thresholds are calibrated on one half of the set (ids whose SHA-256 is even) so that the gate keeps at least
95% of that half's fluent texts while rejecting as many garbled ones as it can, then reported on the other
half (held out) and on all of it. The thresholds committed in generators/text/data/fluency.yaml are reported
the same way; `--write` replaces them with this run's calibration. Baselines in the same run: the ranker's
fluency signal (the model's mean log-likelihood) held to the same 95% on the calibration half, and the
repeated-fragment check alone. Scoring uses the real text model (COPYDESK_LLM, the built-in SmolLM2 by
default); 340 short texts take minutes on a CPU.

`python -m bench.fluency_gate [--write]` writes bench/results/fluency_gate.json.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import machine, write_result

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "fluency" / "sentences.jsonl"
CONTEXT = "Write one line of product copy."  # used when the model has no committed thresholds yet
KEEP = 0.95
BATCH = 16
UPPER = [0.95, 0.96, 0.97, 0.98, 0.99, 1.0]  # fluent quantiles tried for an upper bound
LOWER = [0.0, 0.01, 0.02, 0.03, 0.05]        # and for the lower bound on the mean


def calibration_half(item_id: str) -> bool:
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 2 == 0


def rates(rejected: np.ndarray, garbled: np.ndarray) -> dict[str, Any]:
    caught = int((rejected & garbled).sum())
    return {
        "garbled": int(garbled.sum()), "fluent": int((~garbled).sum()),
        "garbled_rejected": round(caught / max(1, garbled.sum()), 4),        # recall of the gate
        "fluent_kept": round(float((~rejected[~garbled]).mean()), 4),
        "precision": round(caught / max(1, rejected.sum()), 4),            # rejected texts that were garbled
        "rejected": int(rejected.sum()),
    }


def reject(features: dict[str, np.ndarray], bounds: dict[str, float | None]) -> np.ndarray:
    out = features["repeated"].copy()
    for name, column, above in (("max_end_nll", "end", True), ("max_mean_nll", "mean", True),
                                ("max_token_nll", "max", True), ("min_mean_nll", "mean", False)):
        bound = bounds.get(name)
        if bound is not None:
            out |= features[column] > bound if above else features[column] < bound
    return out


BOUNDS = ("max_end_nll", "max_mean_nll", "max_token_nll", "min_mean_nll")


def calibrate(features: dict[str, np.ndarray], garbled: np.ndarray, half: np.ndarray,
              allowed: tuple[str, ...] = BOUNDS) -> dict[str, float | None]:
    """The bounds that reject the most garbled texts of the calibration half while keeping >= 95% of its fluent."""
    fluent = half & ~garbled

    def options(name: str, column: str, quantiles: list[float]) -> list[float | None]:
        if name not in allowed:
            return [None]
        return [None, *(round(float(np.quantile(features[column][fluent], q)), 3) for q in quantiles)]

    best: tuple[float, float, dict[str, float | None]] | None = None
    fallback: tuple[float, float, dict[str, float | None]] | None = None  # the most kept, when nothing keeps 95%
    for end, high, token, low in itertools.product(
            options("max_end_nll", "end", UPPER), options("max_mean_nll", "mean", UPPER),
            options("max_token_nll", "max", UPPER), options("min_mean_nll", "mean", LOWER)):
        bounds = {"max_end_nll": end, "max_mean_nll": high, "max_token_nll": token, "min_mean_nll": low}
        rejected = reject(features, bounds)[half]
        kept = float((~rejected[~garbled[half]]).mean())
        caught = float(rejected[garbled[half]].mean())
        if kept >= KEEP and (best is None or (caught, kept) > best[:2]):
            best = (caught, kept, bounds)
        if fallback is None or (kept, caught) > fallback[:2]:
            fallback = (kept, caught, bounds)
    return (best or fallback)[2]  # type: ignore[index]


def report(features: dict[str, np.ndarray], garbled: np.ndarray, half: np.ndarray, bounds: dict) -> dict:
    rejected = reject(features, bounds)
    return {"bounds": bounds, "calibration_half": rates(rejected[half], garbled[half]),
            "held_out_half": rates(rejected[~half], garbled[~half]), "all": rates(rejected, garbled)}


def write_thresholds(path: Path, model: str, context: str, bounds: dict[str, float | None], note: str) -> None:
    """Replace the `models:` section of the data file, keeping its comments."""
    import yaml

    text = path.read_text(encoding="utf-8")
    models = (yaml.safe_load(text) or {}).get("models") or {}
    models[model] = {"context": context, **bounds, "calibrated": note}
    head = re.split(r"(?m)^models:", text)[0]
    path.write_text(head + yaml.safe_dump({"models": models}, sort_keys=False, allow_unicode=True, width=110),
                    encoding="utf-8")


def main(argv: list[str]) -> int:
    from copydesk.settings import Settings
    from generators.text.factory import load_text_generator
    from generators.text.fluency import DATA_FILE, FluencyScorer, RepeatFinder, load_thresholds

    settings = Settings()
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    generator = load_text_generator(settings)
    committed = load_thresholds(settings.llm)
    context = committed.context if committed else CONTEXT
    scorer = FluencyScorer(generator.model, generator.tokenizer, context)
    repeats = RepeatFinder(generator.tokenizer)
    started = time.perf_counter()
    scores = []
    for i in range(0, len(rows), BATCH):
        scores += scorer.score([r["text"] for r in rows[i:i + BATCH]])
    seconds = time.perf_counter() - started
    features = {
        "mean": np.array([s.mean_nll for s in scores]), "max": np.array([s.max_nll for s in scores]),
        "end": np.array([s.end_nll for s in scores]),
        "repeated": np.array([repeats.find(r["text"]) is not None for r in rows]),
    }
    garbled = np.array([r["label"] == "garbled" for r in rows])
    half = np.array([calibration_half(r["id"]) for r in rows])

    bounds = calibrate(features, garbled, half)
    # Baseline: the ranker's signal, the mean log-likelihood, as the only bound (repeats off).
    none: dict[str, float | None] = dict.fromkeys(BOUNDS)
    plain = {**features, "repeated": np.zeros(len(rows), dtype=bool)}
    ranker_only = calibrate(plain, garbled, half, allowed=("max_mean_nll", "min_mean_nll"))
    result: dict[str, Any] = {
        "model": settings.llm, "context": context, "labelled_set": str(LABELLED.relative_to(LABELLED.parents[3])),
        "split": "calibration half: ids whose SHA-256 is even; held-out half: odd",
        "target": {"garbled_rejected": 0.9, "fluent_kept": KEEP},
        "scoring_seconds": round(seconds, 1), "machine": machine(),
        "calibrated_this_run": report(features, garbled, half, bounds),
        "committed": report(features, garbled, half, {k: getattr(committed, k) for k in none}) if committed else None,
        "baseline_ranker_mean_loglik": report(plain, garbled, half, ranker_only),
        "baseline_repeats_only": report(features, garbled, half, none),
        "by_origin": {},
        "items": [{"id": r["id"], "label": r["label"], "origin": r["origin"], "mean_nll": round(s.mean_nll, 3),
                   "max_nll": round(s.max_nll, 3), "end_nll": round(s.end_nll, 3),
                   "repeated": bool(features["repeated"][i])} for i, (r, s) in enumerate(zip(rows, scores))],
    }
    rejected = reject(features, bounds)
    for origin in sorted({r["origin"] for r in rows}):
        pick = np.array([r["origin"] == origin for r in rows])
        result["by_origin"][origin] = rates(rejected[pick], garbled[pick])
    if "--write" in argv:
        note = (f"{time.strftime('%Y-%m-%d')}: held-out half {result['calibrated_this_run']['held_out_half']['garbled_rejected']:.0%} "
                f"of garbled rejected, {result['calibrated_this_run']['held_out_half']['fluent_kept']:.0%} of fluent kept")
        write_thresholds(DATA_FILE, settings.llm, context, bounds, note)
        result["written_to"] = str(DATA_FILE)
    write_result("fluency_gate", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

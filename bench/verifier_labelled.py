"""The grounding verifier on the hand-labelled claim set (tests/data/claims/labelled.jsonl, METHOD.md beside it).

Reports acceptance of `supported` + `praise_only` sentences (target >= 70%) and recall on `unsupported`
sentences and planted errors (target >= 97%), by source and by claim type, on the whole set, the tuning part
and the held-out part (split by product; chains/evaluation/labelled.py). The measuring code is shared with
`copydesk eval`, which prints the same figures beside its draft figures.
Run: `.venv/bin/python -m bench.verifier_labelled [--out NAME]`; writes bench/results/NAME.json
(default verifier_labelled).
"""

from __future__ import annotations

import argparse
import subprocess
import time

from bench._common import machine, write_result
from chains.evaluation import measure_labelled
from chains.grounding import VERIFIER_VERSION


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):  # pragma: no cover - a tarball without git
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="verifier_labelled", help="result name under bench/results/")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = measure_labelled()
    seconds = round(time.perf_counter() - started, 2)
    write_result(args.out, {"verifier_version": VERIFIER_VERSION, "commit": commit(), "machine": machine(),
                            "seconds": seconds, **figures})


if __name__ == "__main__":
    main()

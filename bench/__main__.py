"""Run every benchmark module in bench/ in turn (`make bench`)."""

from __future__ import annotations

import pkgutil
import runpy
import sys
from pathlib import Path

import bench


def main(argv: list[str]) -> int:
    names = argv or [m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")]
    for name in names:
        print(f"== bench.{name}", flush=True)
        runpy.run_module(f"bench.{name}", run_name="__main__")
    print(f"results in {Path(bench.__file__).parent / 'results'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where the project's own files live (prompts, examples), independent of the working directory."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROMPTS_DIR = PROJECT_ROOT / "prompts"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

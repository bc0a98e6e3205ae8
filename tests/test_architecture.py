"""The house rules of ARCHITECTURE.md, checked on the source: imports point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from copydesk.paths import PROJECT_ROOT

ALLOWED = {
    "copydesk": set(),
    "retrieval": {"copydesk"},
    "generators": {"copydesk"},
    "chains": {"copydesk", "retrieval", "generators"},
    "bot": {"copydesk", "retrieval", "generators", "chains"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package: str) -> None:
    forbidden = set(ALLOWED) - ALLOWED[package] - {package}
    offenders = []
    for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
        bad = _imports(path) & forbidden
        if bad:
            offenders.append(f"{path.relative_to(PROJECT_ROOT)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_no_prompt_text_in_code_is_loaded_from_outside_prompts() -> None:
    prompts = sorted((PROJECT_ROOT / "prompts").glob("*.txt"))
    assert prompts, "prompt templates live in prompts/*.txt"

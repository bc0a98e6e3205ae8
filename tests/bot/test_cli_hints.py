"""Every `copydesk ...` command that a message or hint names exists: each is run with --help."""

from __future__ import annotations

import ast
import re

import pytest
from typer.testing import CliRunner

from bot.cli import app
from copydesk.paths import PROJECT_ROOT

_NAMED = re.compile(r"`copydesk ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)")


def named_commands() -> dict[tuple[str, ...], str]:
    """Command words (up to the first argument or option) -> where it was named, over all string literals."""
    found: dict[tuple[str, ...], str] = {}
    for package in ("bot", "chains", "retrieval", "generators", "copydesk"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    for match in _NAMED.finditer(node.value):
                        found.setdefault(tuple(match.group(1).split()), f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    return found


def _command_part(words: tuple[str, ...]) -> list[str]:
    """The longest prefix of `words` that the CLI accepts as a command path (the rest are arguments)."""
    runner = CliRunner()
    best: list[str] = []
    for i in range(1, len(words) + 1):
        if runner.invoke(app, [*words[:i], "--help"]).exit_code == 0:
            best = list(words[:i])
    return best


NAMED = named_commands()


def test_hints_name_commands_at_all() -> None:
    assert len(NAMED) >= 5, NAMED


@pytest.mark.parametrize("words", sorted(NAMED), ids=" ".join)
def test_every_named_command_exists(words: tuple[str, ...]) -> None:
    assert _command_part(words), f"`copydesk {' '.join(words)}` (named at {NAMED[words]}) is not a command"


def test_a_command_that_does_not_exist_is_caught() -> None:
    assert _command_part(("catalog", "search")) == []

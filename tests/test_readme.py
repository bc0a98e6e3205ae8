"""The README is a contract with its readers: its first commands and its configuration table stay true."""

from __future__ import annotations

from copydesk.paths import PROJECT_ROOT
from copydesk.settings import Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _env_name(name: str, field) -> str:  # noqa: ANN001 - a pydantic FieldInfo
    return field.validation_alias.choices[0] if field.validation_alias is not None else f"COPYDESK_{name.upper()}"


def test_readme_starts_with_the_two_commands() -> None:
    first_block = README.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = [_env_name(n, f) for n, f in Settings.model_fields.items() if f"`{_env_name(n, f)}`" not in README]
    assert not missing, f"README configuration table lacks {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from copydesk.settings import Settings


def test_slack_names_and_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret-token")
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("COPYDESK_ALLOWED_USERS", "U1, U2")
    settings = Settings(_env_file=None)
    assert settings.slack_bot_token.get_secret_value() == "xoxb-very-secret-token"
    assert settings.home == (tmp_path / "h").resolve()
    assert settings.allowed_users == ["U1", "U2"]


def test_config_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret-token")
    result = CliRunner().invoke(app, ["config", "--json"])
    assert result.exit_code == 0, result.output
    assert "very-secret" not in result.output
    assert '"slack_bot_token": "xoxb' in result.output


def test_bad_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYDESK_CANDIDATES", "lots")
    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code != 0

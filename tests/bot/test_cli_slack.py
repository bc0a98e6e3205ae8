"""`copydesk serve` says what is missing instead of starting half-configured; `chat` and `serve` exist."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app
from copydesk.errors import ConfigError

runner = CliRunner()


def test_commands_are_registered():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "serve" in result.output and "chat" in result.output


def test_socket_mode_without_an_app_token_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    result = runner.invoke(app, ["serve"])
    assert isinstance(result.exception, ConfigError)
    assert "SLACK_APP_TOKEN" in str(result.exception) and "xoxb-secret-value" not in str(result.exception)


def test_http_mode_without_tokens_says_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "home"))
    result = runner.invoke(app, ["serve", "--http", "--port", "0"])
    assert isinstance(result.exception, ConfigError) and "SLACK_BOT_TOKEN" in str(result.exception)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    result = runner.invoke(app, ["serve", "--http", "--port", "0"])
    assert isinstance(result.exception, ConfigError) and "SLACK_SIGNING_SECRET" in str(result.exception)

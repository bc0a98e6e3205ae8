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


SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-1111-2222-botSECRETvalue",
    "SLACK_APP_TOKEN": "xapp-1-A111-appSECRETvalue",
    "SLACK_SIGNING_SECRET": "zq9Ksecret0123456789abcdef",
    "COPYDESK_LLM_API_KEY": "pk7W/secret+key=abcdefgh",
}
URL_WITH_PASSWORD = "http://llmuser:LLMPASSWORD@llm.internal:8000/v1"


def test_config_shows_no_part_of_any_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    # The probe saw the first 4 characters of the signing secret and API key, and the URL's password.
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COPYDESK_LLM_API_BASE", URL_WITH_PASSWORD)
    for args in (["config", "--json"], ["config"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        for leaked in [v[:4] for v in SECRETS.values()] + ["SECRETvalue", "LLMPASSWORD", "llmuser"]:
            assert leaked not in result.output, (args, leaked)
    shown = Settings(_env_file=None).masked()
    assert shown["slack_bot_token"] == shown["slack_signing_secret"] == shown["llm_api_key"] == "***"
    assert shown["llm_api_base"] == "http://***@llm.internal:8000/v1" and shown["slack_app_token"] == "***"


def test_redactor_masks_configured_secrets_urls_and_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COPYDESK_LLM_API_BASE", URL_WITH_PASSWORD)
    redact = Settings(_env_file=None).redactor()
    text = (f"The text model server at {URL_WITH_PASSWORD}/chat/completions did not answer; "
            f"body: {{'error': 'bad key zq9Ksecret0123456789abcdef'}} LLMPASSWORD alone, "
            "pk7W/secret+key=abcdefgh and in a URL ?k=pk7W%2Fsecret%2Bkey%3Dabcdefgh")
    masked = redact(text)
    assert "http://***@llm.internal:8000/v1/chat/completions" in masked
    for leaked in ("zq9K", "pk7W", "LLMPASSWORD", "llmuser"):
        assert leaked not in masked, leaked
    # Tokens nobody configured here, e.g. in an upstream error body: only the kind of token is kept.
    other = redact("xoxp-9-8-7-abcdef and sk-proj-abcdefgh12 Authorization: Bearer abc.def.ghi ?token=zzz9&x=1")
    assert other == "xoxp-*** and sk-*** Authorization: Bearer *** ?token=***&x=1"
    assert redact("task-12345678 and ask-me-anything keep their words") == "task-12345678 and ask-me-anything keep their words"


def test_redaction_is_linear_on_hostile_text() -> None:
    import time

    from copydesk.redact import redact

    started = time.perf_counter()
    for text in ("://" * 13_000, "http://" + "a" * 40_000, "Bearer" + " " * 40_000, "xoxb-" * 8_000, "?token=" * 5_000):
        redact(text, ["secret-value"])
    assert time.perf_counter() - started < 3.0  # linear; a quadratic scan takes far longer


def test_log_filter_masks_messages_arguments_and_tracebacks(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import logging

    from copydesk.redact import install_log_redaction

    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRETS["SLACK_BOT_TOKEN"])
    out = io.StringIO()
    logger = logging.getLogger("copydesk.test.redaction")
    logger.propagate = False
    handler = logging.StreamHandler(out)
    logger.addHandler(handler)
    try:
        install_log_redaction(Settings(_env_file=None).redactor(), logger)
        install_log_redaction(Settings(_env_file=None).redactor(), logger)  # twice: still one filter
        assert len(handler.filters) == 1
        logger.warning("posting with %s to %s", SECRETS["SLACK_BOT_TOKEN"], URL_WITH_PASSWORD)
        try:
            raise RuntimeError(f"refused token {SECRETS['SLACK_BOT_TOKEN']}")
        except RuntimeError:
            logger.exception("Web API call failed")
    finally:
        logger.removeHandler(handler)
    logged = out.getvalue()
    assert "posting with *** to http://***@llm.internal:8000/v1" in logged
    assert "RuntimeError: refused token ***" in logged
    assert "botSECRET" not in logged and "LLMPASSWORD" not in logged


def test_bad_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYDESK_CANDIDATES", "lots")
    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code != 0

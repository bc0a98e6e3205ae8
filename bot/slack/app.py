"""Builds the Bolt app: WebClient with retry handlers, thin listeners, the Assistant panel.

Listeners receive what they need by argument name (Bolt's style), acknowledge, and hand the work to
`SlackBot` (which queues it on the worker pool). The same app serves HTTP and Socket Mode.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, Assistant, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler,
)

from bot.engine import ConversationEngine
from bot.engine.help import SUGGESTED_PROMPTS
from bot.slack.bot import SlackBot, Where
from bot.slack.pool import JobRunner
from copydesk.state.threads import BotState
from copydesk.errors import ConfigError
from copydesk.redact import Redactor
from copydesk.settings import Settings

log = logging.getLogger("copydesk.bot")


class RedactingWebClient(WebClient):
    """A WebClient that masks configured secrets (and anything shaped like a token or a URL password) in every
    argument it sends: whatever a message, a block, a stream chunk or an error text says, no secret reaches
    Slack. Every Web API method goes through `api_call`."""

    def __init__(self, *args: Any, redactor: Redactor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.redactor = redactor

    def api_call(self, api_method: str, *, data: dict | None = None, params: dict | None = None,
                 json: dict | None = None, **kwargs: Any) -> Any:
        return super().api_call(api_method, data=self._masked(data), params=self._masked(params),
                                json=self._masked(json), **kwargs)

    def _masked(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redactor(value)
        if isinstance(value, dict):
            return {key: self._masked(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._masked(item) for item in value]
        return value


def web_client(settings: Settings) -> WebClient:
    """The one Web API client: SLACK_API_URL as base, retrying 429 (Retry-After), 5xx and dropped connections,
    secrets masked in what it sends."""
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set.",
                          hint="Create the app from manifest.yml, install it, and export its xoxb- token.")
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return RedactingWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=base_url, timeout=30,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=4),
                        ServerErrorRetryHandler(max_retry_count=2)], redactor=settings.redactor())


def create_app(settings: Settings, engine: ConversationEngine, state: BotState, *, socket_mode: bool = False,
               runner: JobRunner | None = None) -> tuple[App, SlackBot]:
    """The Bolt app and the SlackBot behind it. HTTP mode needs SLACK_SIGNING_SECRET. `runner`: where jobs
    run (default: the in-process pool)."""
    client = web_client(settings)
    if not socket_mode and settings.slack_signing_secret is None:
        raise ConfigError("SLACK_SIGNING_SECRET is not set (needed in HTTP mode).",
                          hint="Copy it from the app's Basic Information page, or use Socket Mode (SLACK_APP_TOKEN).")
    secret = "" if socket_mode else settings.slack_signing_secret.get_secret_value()
    signed_in = sign_in(client, settings)
    app = App(client=client, signing_secret=secret, process_before_response=False,
              request_verification_enabled=not socket_mode, name="copydesk", logger=log,
              token_verification_enabled=False,  # done just above, with a clear error
              # listeners only enqueue work, so a small pool keeps acknowledgements quick
              listener_executor=ThreadPoolExecutor(max_workers=8, thread_name_prefix="copydesk-listener"))
    bot = SlackBot(settings, engine, state, client, runner)
    bot.bot_user_id = signed_in.get("user_id")
    register(app, bot)
    return app, bot


def sign_in(client: WebClient, settings: Settings) -> dict[str, Any]:
    """auth.test, once, at start-up: a Slack that cannot be reached, or a token it refuses, is one ConfigError
    saying what failed and what to check (the SDK's own per-attempt error lines are held back meanwhile)."""
    sdk = logging.getLogger("slack_sdk")
    level = sdk.level
    sdk.setLevel(logging.CRITICAL)
    try:
        return dict(client.auth_test().data)
    except (SlackApiError, SlackClientError, OSError) as error:
        raise ConfigError(f"Could not sign in to Slack's Web API at {settings.slack_api_url}: {_reason(error)}.",
                          hint="Check the network, SLACK_API_URL and that SLACK_BOT_TOKEN is the app's valid "
                               "xoxb- token (`copydesk doctor` checks each).") from None
    finally:
        sdk.setLevel(level)


def _reason(error: Exception) -> str:
    """One line saying why a Web API call failed (no traceback, no token)."""
    response = getattr(error, "response", None)
    if response is not None and hasattr(response, "get"):
        return f"Slack answered {response.get('error')!r}"
    reason = getattr(error, "reason", None)  # urllib's URLError: the socket's error
    return " ".join(str(reason or error).split())[:200] or type(error).__name__


def register(app: App, bot: SlackBot) -> None:
    @app.event("app_mention")
    def mention(event: dict[str, Any], body: dict[str, Any], request: Any) -> None:
        bot.on_message(event, body, request.headers)

    @app.event("message")
    def message(event: dict[str, Any], body: dict[str, Any], request: Any) -> None:
        if bot.is_followup(event):
            bot.on_message(event, body, request.headers)

    @app.event("reaction_added")
    def reaction(event: dict[str, Any]) -> None:
        bot.on_reaction(event)

    @app.action(re.compile(r"^copydesk_"))
    def button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        bot.on_action(body)

    redact = bot.settings.redactor()  # an acknowledgement's text goes to Slack in the HTTP answer, not the client

    @app.command("/copydesk")
    def command(ack: Ack, command: dict[str, Any]) -> None:
        bot.on_command(command, lambda text: ack(text=redact(text)))

    app.assistant(_assistant(bot))


def _assistant(bot: SlackBot) -> Assistant:
    """The assistant panel: suggested prompts when a thread starts, a title, the same engine for messages."""
    assistant = Assistant()

    @assistant.thread_started
    def started(say: Any, set_suggested_prompts: Any) -> None:
        say("Hi! Name a product (SKU, EAN or a description) and I'll draft its listing, grounded in the catalog.")
        set_suggested_prompts(prompts=[{"title": title, "message": message} for title, message in SUGGESTED_PROMPTS])

    @assistant.user_message
    def user_message(payload: dict[str, Any], body: dict[str, Any], request: Any, set_title: Any,
                     context: BoltContext) -> None:
        where = Where(payload["channel"], payload.get("thread_ts") or payload["ts"], payload.get("user"),
                      context.team_id, assistant=True)
        if not bot.state.knows_thread(where.key):
            try:
                set_title((payload.get("text") or "copydesk")[:60])
            except Exception:  # noqa: BLE001 - a title is cosmetic
                log.info("could not set the assistant thread title", exc_info=True)
        bot.on_message(payload, body, request.headers, assistant=True)

    return assistant

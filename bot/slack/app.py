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
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler,
)

from bot.engine import ConversationEngine
from bot.engine.help import SUGGESTED_PROMPTS
from bot.slack.bot import SlackBot, Where
from bot.slack.pool import JobRunner
from copydesk.state.threads import BotState
from copydesk.errors import ConfigError
from copydesk.settings import Settings

log = logging.getLogger("copydesk.bot")


def web_client(settings: Settings) -> WebClient:
    """The one Web API client: SLACK_API_URL as base, retrying 429 (Retry-After), 5xx and dropped connections."""
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set.",
                          hint="Create the app from manifest.yml, install it, and export its xoxb- token.")
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=base_url, timeout=30,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=4),
                        ServerErrorRetryHandler(max_retry_count=2)])


def create_app(settings: Settings, engine: ConversationEngine, state: BotState, *, socket_mode: bool = False,
               runner: JobRunner | None = None) -> tuple[App, SlackBot]:
    """The Bolt app and the SlackBot behind it. HTTP mode needs SLACK_SIGNING_SECRET. `runner`: where jobs
    run (default: the in-process pool)."""
    client = web_client(settings)
    if not socket_mode and settings.slack_signing_secret is None:
        raise ConfigError("SLACK_SIGNING_SECRET is not set (needed in HTTP mode).",
                          hint="Copy it from the app's Basic Information page, or use Socket Mode (SLACK_APP_TOKEN).")
    secret = "" if socket_mode else settings.slack_signing_secret.get_secret_value()
    app = App(client=client, signing_secret=secret, process_before_response=False,
              request_verification_enabled=not socket_mode, name="copydesk", logger=log,
              # listeners only enqueue work, so a small pool keeps acknowledgements quick
              listener_executor=ThreadPoolExecutor(max_workers=8, thread_name_prefix="copydesk-listener"))
    bot = SlackBot(settings, engine, state, client, runner)
    bot.bot_user_id = _bot_user_id(app)
    register(app, bot)
    return app, bot


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

    @app.command("/copydesk")
    def command(ack: Ack, command: dict[str, Any]) -> None:
        bot.on_command(command, lambda text: ack(text=text))

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


def _bot_user_id(app: App) -> str | None:
    """auth.test ran when the App was created (token verification); reuse its answer."""
    try:
        return app.client.auth_test().get("user_id")
    except Exception:  # noqa: BLE001 - only used to skip mentions in plain messages
        log.warning("auth.test failed; plain messages mentioning the bot may be answered twice")
        return None

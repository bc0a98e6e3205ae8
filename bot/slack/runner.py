"""Starts the Slack bot: wires Services, state, engine and the Bolt app, then serves HTTP or Socket Mode."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App

from bot.engine import ConversationEngine
from bot.health import HealthCache
from bot.services import Services
from bot.slack.app import create_app
from bot.slack.bot import SlackBot
from bot.slack.http_server import HttpServer
from bot.slack.pool import JobRunner
from copydesk.state.threads import BotState
from copydesk.errors import ConfigError
from copydesk.redact import install_log_redaction
from copydesk.settings import Settings

log = logging.getLogger("copydesk.bot")


@dataclass
class RunningBot:
    app: App
    bot: SlackBot
    services: Services


def build(settings: Settings, *, socket_mode: bool, services: Services | None = None) -> RunningBot:
    install_log_redaction(settings.redactor())  # after logging is set up: no secret in any log line from here on
    services = services or Services(settings)
    settings.home.mkdir(parents=True, exist_ok=True)
    state = BotState(services.database)
    engine = ConversationEngine(services, state)
    app, bot = create_app(settings, engine, state, socket_mode=socket_mode, runner=_runner(settings, services))
    return RunningBot(app, bot, services)


def _runner(settings: Settings, services: Services) -> JobRunner | None:
    """With COPYDESK_BROKER_URL jobs go to `copydesk worker`s over Celery; without, the in-process pool runs them."""
    if not settings.broker_url:
        return None
    from bot.worker.runner import CeleryRunner

    return CeleryRunner(settings, services.database)


def serve_http(settings: Settings, port: int, services: Services | None = None) -> None:
    running = build(settings, socket_mode=False, services=services)
    running.bot.recover()  # what a stopped process left: previews to delete, requests to own up to
    if not settings.broker_url:  # with a queue, the workers hold the models, not the bot
        _warm_up(running.services)
    server = HttpServer(running.app, port, health=HealthCache(settings).report)
    try:
        server.serve_forever()
    finally:
        running.bot.pool.shutdown(wait=False)


def serve_socket_mode(settings: Settings, services: Services | None = None) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if settings.slack_app_token is None:
        raise ConfigError("SLACK_APP_TOKEN is not set (needed for Socket Mode).",
                          hint="Create an app-level token with connections:write, or run `copydesk serve --http`.")
    running = build(settings, socket_mode=True, services=services)
    running.bot.recover()
    if not settings.broker_url:
        _warm_up(running.services)
    handler = SocketModeHandler(running.app, settings.slack_app_token.get_secret_value())
    log.info("copydesk connected through Socket Mode")
    handler.start()


def _warm_up(services: Services) -> None:
    """Open the catalog and load the realization's tables before the first request, and start loading the
    text model in the background: a request never waits for the model (until it is loaded, drafts are first
    drafts, posted at once)."""
    try:
        services.catalog
        services.warm_up_drafting()
    except Exception:  # noqa: BLE001 - requests will report the same problem visibly, with a reference id
        log.exception("warm-up failed; requests will report the problem in their threads")
    services.load_text_generator_in_background()

"""CLI commands: `copydesk serve [--http] [--port N]` (the Slack bot) and `copydesk chat` (the terminal)."""

from __future__ import annotations

import logging

import typer

from bot.cli.common import load_settings


def serve(
    http: bool = typer.Option(False, "--http", help="Serve Slack's HTTP requests on /slack/events instead of "
                                                     "Socket Mode (needs SLACK_SIGNING_SECRET)"),
    port: int = typer.Option(3000, "--port", help="Port for --http"),
) -> None:
    """Run the Slack bot: Socket Mode (SLACK_BOT_TOKEN + SLACK_APP_TOKEN) or HTTP (--http)."""
    from bot.slack.runner import serve_http, serve_socket_mode

    settings = load_settings()
    logging.getLogger().setLevel(settings.log_level.upper())
    logging.getLogger("copydesk").setLevel(settings.log_level.upper())
    if http:
        serve_http(settings, port)
    else:
        serve_socket_mode(settings)


def chat(
    thread: str = typer.Option(None, "--thread", help="Continue a terminal thread by its name"),
) -> None:
    """Talk to copydesk in the terminal: the same conversation as in Slack."""
    from bot.chat import TerminalChat
    from bot.services import Services

    TerminalChat(Services(load_settings()), thread=thread).run()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("serve")(serve)
    app.command("chat")(chat)

"""CLI commands for running copydesk on more than one machine: `copydesk worker` (jobs from the Celery
queue) and `copydesk doctor` (every configured service checked, one line each)."""

from __future__ import annotations

import json
import logging

import typer

from bot.cli.common import load_settings
from copydesk.errors import ConfigError


def worker(
    queues: str = typer.Option("copy,image,bulk", "--queues", "-Q",
                               help="Queues to serve, taken in this order: copy, image, bulk"),
    concurrency: int = typer.Option(0, "--concurrency", "-c", help="Jobs at once (0: COPYDESK_WORKERS)"),
) -> None:
    """Run jobs from the queue (needs COPYDESK_BROKER_URL): loads the models once, then drafts and renders."""
    from bot.worker.app import QUEUES
    from bot.worker.tasks import run_worker

    settings = load_settings()
    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = [q for q in chosen if q not in QUEUES]
    if not chosen or unknown:
        raise ConfigError(f"Unknown queue(s) {', '.join(unknown) or '(none given)'}.",
                          hint=f"Choose from {', '.join(QUEUES)}, e.g. --queues copy,image.")
    if not settings.broker_url:
        raise ConfigError("COPYDESK_BROKER_URL is not set, so there is no queue to take jobs from.",
                          hint="Set it to your Redis, e.g. redis://127.0.0.1:6379/0 (docs/deploy.md).")
    logging.getLogger("copydesk").setLevel(settings.log_level.upper())
    from copydesk.redact import install_log_redaction

    install_log_redaction(settings.redactor())  # tokens and URL passwords never reach a worker's log
    run_worker(settings, chosen, concurrency or settings.workers)


def doctor(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """Check every configured service (database, queue, workers, Chroma, LLM server, models, Slack)."""
    from bot.health import all_checks

    checks = all_checks(load_settings())
    if as_json:
        typer.echo(json.dumps([{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks], indent=2))
    else:
        for check in checks:
            typer.echo(check.line())
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("worker")(worker)
    app.command("doctor")(doctor)

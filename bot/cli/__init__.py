"""The `copydesk` command line. Each command group lives in its own module here.

Heavy imports (torch, chromadb, transformers) happen inside commands, so `--help` stays quick.
"""

from __future__ import annotations

import json
import logging
import sys

import typer

from bot.cli import bulk, catalog, check, drafting, export, image, slack, train
from bot.cli import ops  # worker and doctor (several machines)
from bot.cli.common import console, fail, load_settings
from copydesk.errors import CopydeskError
from copydesk.redact import Redactor, install_log_redaction

app = typer.Typer(
    name="copydesk",
    help="Grounded product listing copy and images for e-commerce teams, in Slack or in the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
    """copydesk: grounded product listing copy and images, in Slack or in the terminal."""


@app.command("config")
def config_command(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """Print the effective configuration, secrets masked."""
    settings = load_settings()
    shown = settings.masked()
    if as_json:
        typer.echo(json.dumps(shown, indent=2, default=str))
        return
    from rich.table import Table

    table = Table("setting", "value", "environment variable")
    for name, value in shown.items():
        env = name.upper() if name.startswith("slack_") else f"COPYDESK_{name.upper()}"
        table.add_row(name, "" if value is None else str(value), env)
    console.print(table)


for module in (catalog, drafting, bulk, check, image, slack, train, export):
    module.register(app)
ops.register(app)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = _redactor()
    install_log_redaction(redact)  # every log line, from here on, with secrets masked
    try:
        app()
    except CopydeskError as error:
        fail(redact(str(error)))
    except KeyboardInterrupt:
        fail("Interrupted.", code=130)


def _redactor() -> Redactor:
    """The configured secrets' redactor; with a configuration that cannot be read, tokens and URL passwords by
    their shape (the command then says what is wrong with the configuration)."""
    try:
        return load_settings().redactor()
    except CopydeskError:
        return Redactor()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""CLI commands: `copydesk export feedback | drafts`."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import console, load_settings, print_json

export_app = typer.Typer(help="Export approved drafts, and the team's feedback as training data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(export_app, name="export")


@export_app.command("feedback")
def feedback_command(
    out: Path = typer.Option(..., "--out", help="JSONL file for `copydesk train sft --data` / `train rank`"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Approvals, edits, Regenerate presses and thumbs as SFT examples and preference pairs."""
    from dataclasses import asdict

    from copydesk.state.drafts import DraftStore
    from chains.training_data.feedback import export_feedback
    from retrieval.catalog import Catalog

    settings = load_settings()
    report = export_feedback(DraftStore(settings), Catalog.open(settings), settings, out)
    if as_json:
        print_json({"out": str(out), **asdict(report)})
        return
    console.print(f"{report.feedback} feedback records on {report.drafts} drafts: {report.sft} SFT examples and "
                  f"{report.pairs} preference pairs in {out}")
    for reason, n in report.skipped.items():
        console.print(f"skipped {n}: {reason}")


@export_app.command("drafts")
def drafts_command(
    out: Path = typer.Option(..., "--out", help="CSV file to write"),
    fmt: str = typer.Option("csv", "--format", help="csv, shopify or amazon (flat-file style)"),
    channel_id: str | None = typer.Option(None, "--channel-id", help="Only drafts requested in this Slack channel"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The approved drafts (latest approved version of each) as CSV, a Shopify product import or an Amazon
    flat file; every cell spreadsheet-safe."""
    from copydesk.state.drafts import DraftStore
    from chains.exports import FORMATS, export_approved
    from copydesk.errors import InputError
    from retrieval.catalog import Catalog

    if fmt not in FORMATS:
        raise InputError(f"Unknown export format {fmt!r}.", hint="Use --format csv, shopify or amazon.")
    settings = load_settings()
    count = export_approved(DraftStore(settings), Catalog.open(settings), out, fmt=fmt,  # type: ignore[arg-type]
                            channel_id=channel_id)
    if as_json:
        print_json({"out": str(out), "drafts": count, "format": fmt})
        return
    console.print(f"{count} approved draft(s) written to {out} ({fmt}).")

"""`copydesk check`: any copy (an agency's, a marketplace's) checked against a product's catalog facts."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.cli.common import load_settings, print_json
from copydesk.errors import InputError


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    reference: str = typer.Argument(..., help="SKU, EAN, model number or product name"),
    text: Optional[str] = typer.Option(None, "--text", "-t", help="The copy to check"),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="A text file, or a JSON draft (title, bullets, "
                                        "description), to check"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: every sentence with its verdict and claims"),
) -> None:
    """Check copy sentence by sentence: each claim, the fact that supports it, or why none does. Nothing is
    rewritten. Exits 1 when a sentence has an unsupported claim."""
    from bot.engine.text import render_check
    from bot.services import Services
    from chains.grounding import check_copy
    from retrieval.facts import facts_for

    copy = _read_copy(text, file)
    product = Services(load_settings()).catalog.product(reference)
    result = check_copy(product, facts_for(product, include_description=False), copy)
    if as_json:
        print_json(result.to_json())
    else:
        typer.echo(render_check(result))
    raise typer.Exit(1 if result.unsupported else 0)


def _read_copy(text: str | None, file: Path | None) -> str:
    if (text is None) == (file is None):
        raise InputError("Give the copy once: either --text \"...\" or --file PATH.",
                         hint='Example: copydesk check SKU --text "Soft plush fox, 30 cm."')
    if file is None:
        return text or ""
    if not file.is_file():
        raise InputError(f"No such file: {file}.", hint="Check the path, or pass the copy with --text.")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{file} is not UTF-8 text ({error.reason}).", hint="Save the copy as UTF-8 text or JSON.") from error

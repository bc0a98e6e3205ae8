"""CLI commands for the catalog: `ingest products|styles`, `search`, `show`, `brands`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import console, err_console, load_settings, print_json
from copydesk.errors import NotFoundError

if TYPE_CHECKING:
    from copydesk.domain import Product
    from retrieval.catalog import Catalog
    from retrieval.report import IngestReport

ingest_app = typer.Typer(help="Load products or brand style guides into the catalog.", no_args_is_help=True)

MAP_HELP = (
    "FIELD=COLUMN for a generic CSV/JSON file (repeatable). Fields: sku, title, brand, category, model, ean, "
    "description, price; attributes=COL1,COL2 (default: every other column); ignore=COL1,COL2."
)
MAPPING_HELP = 'A TOML file with a \\[columns] table, e.g. sku = "Item ID" / title = "Name" / attributes = ["Colour"].'


def _open_catalog() -> Catalog:
    from retrieval.catalog import Catalog

    return Catalog.open(load_settings())


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        print_json(report.model_dump())
        return
    console.print(report.summary(), highlight=False)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    for label, problems in (("duplicate", report.duplicates), ("bad row", report.errors),
                            ("withheld", report.withheld)):
        for problem in problems[:20]:
            err_console.print(f"{label}: {problem}", highlight=False, markup=False)
        if len(problems) > 20:
            err_console.print(f"... and {len(problems) - 20} more {label}s (use --json for all)", highlight=False)


def _exit_unless_complete(report: IngestReport) -> None:
    """Ingest exits 1 when anything was left out (bad rows, duplicates, withheld fields): a script that loads a
    catalog must not take a partial load for a whole one. The rows that could be read are in."""
    if not report.complete:
        err_console.print("ingest incomplete: the rows above were left out (the others went in).", highlight=False)
        raise typer.Exit(1)


@ingest_app.command("products")
def ingest_products(
    files: list[Path] = typer.Argument(..., help="CSV, JSON or JSONL files (Icecat, Amazon, Flipkart, Shopify, generic)"),
    mapping_file: Path | None = typer.Option(None, "--mapping", help=MAPPING_HELP),
    maps: list[str] = typer.Option([], "--map", help=MAP_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON"),
) -> None:
    """Read products and upsert them by SKU (unchanged rows are skipped; bad rows are reported)."""
    from retrieval.readers import ColumnMapping

    mapping = ColumnMapping.parse(maps, mapping_file) if (maps or mapping_file) else None
    report = _open_catalog().ingest_products(files, mapping, progress=not as_json)
    _print_report(report, as_json)
    _exit_unless_complete(report)


@ingest_app.command("styles")
def ingest_styles(
    path: Path = typer.Argument(..., help="A Markdown/MDX/text guide, or a folder of them"),
    brand: str = typer.Option(..., "--brand", help="The brand this guide belongs to"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON"),
) -> None:
    """Read a brand style guide: rules from YAML front matter, text chunked by heading."""
    report = _open_catalog().ingest_styles(path, brand)
    _print_report(report, as_json)
    _exit_unless_complete(report)


def search(
    query: str = typer.Argument(..., help="What to look for, in words"),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=100, help="How many results"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Semantic search over the catalog's products."""
    matches = _open_catalog().search(query, limit)
    if as_json:
        print_json([
            {"sku": m.product.sku, "score": m.score, "title": m.product.title, "brand": m.product.brand,
             "category": m.product.category, "source": str(m.product.source) if m.product.source else None}
            for m in matches
        ])
        return
    if not matches:
        console.print("No products yet: run `copydesk ingest products FILE` first.")
        return
    from rich.table import Table

    table = Table("score", "sku", "title", "brand")
    for m in matches:
        table.add_row(f"{m.score:.3f}", m.product.sku, m.product.title, m.product.brand or "")
    console.print(table)


def show(
    sku: str = typer.Argument(..., help="SKU (or EAN, model number, exact title)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Print one product with all its attributes."""
    catalog = _open_catalog()
    product = catalog.get(sku)
    if product is None:
        resolution = catalog.resolve(sku)
        if resolution.status != "found" or resolution.product is None:
            close = ", ".join(f"{m.product.sku} ({m.product.title[:60]})" for m in resolution.candidates[:5])
            raise NotFoundError(f"No product with SKU {sku!r}." + (f" Closest: {close}." if close else ""),
                                hint="Search with `copydesk search WORDS`.")
        product = resolution.product
    if as_json:
        print_json(product.model_dump(mode="json"))
        return
    from rich.table import Table

    table = Table("field", "value", title=f"{product.sku}: {product.title}", show_lines=False)
    for name in ("brand", "category", "model", "price"):
        value = getattr(product, name)
        if value:
            table.add_row(name, str(value))
    if product.ean:
        table.add_row("ean", ", ".join(product.ean))
    for name, value in product.attributes.items():
        table.add_row(name, value)
    if product.description:
        table.add_row("description", product.description)
    if product.source:
        table.add_row("source", str(product.source))
    console.print(table)
    _print_removed(product)


def _print_removed(product: Product) -> None:
    """What ingest took out of the catalog's text, and why, so that a wrong removal can be seen and reported
    (by its rule). One line each, never wrapped or read as markup: the text is shown as it was."""
    if not product.removed:
        return
    console.print("Removed at ingest (neither facts nor copy):", highlight=False)
    for item in product.removed:
        console.print(f"  {item.field} [{item.rule or item.kind}] {item.text!r}: {item.reason}",
                      markup=False, highlight=False, soft_wrap=True)


def brands(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """List the brands that have a style guide, with their rules."""
    catalog = _open_catalog()
    guides = [catalog.style_guide(name) for name in catalog.brands()]
    if as_json:
        print_json([{"brand": g.brand, "chunks": len(g.chunks), "rules": g.rules.model_dump()} for g in guides])
        return
    if not guides:
        console.print("No style guides yet: run `copydesk ingest styles PATH --brand NAME`.")
        return
    from rich.table import Table

    table = Table("brand", "chunks", "title max", "bullets", "banned words", "tone")
    for g in guides:
        r = g.rules
        table.add_row(g.brand, str(len(g.chunks)), str(r.title_max_length or ""), str(r.bullet_count or ""),
                      ", ".join(r.banned_words), ", ".join(r.tone_words))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(ingest_app, name="ingest")
    app.command("search")(search)
    app.command("show")(show)
    app.command("brands")(brands)


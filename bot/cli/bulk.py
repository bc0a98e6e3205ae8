"""`copydesk bulk`: draft a category, a file of SKUs or a search's products in one go, with a progress bar,
resumable (run the same command again after Ctrl-C), into CSV, JSONL, a Shopify CSV or an Amazon flat file."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.cli.common import console, err_console, load_settings, print_json
from copydesk.errors import InputError


def register(app: typer.Typer) -> None:
    app.command("bulk")(bulk_command)


def bulk_command(
    category: Optional[str] = typer.Option(None, "--category", help='Products whose category contains this, e.g. "Model Trains"'),
    file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                        help="SKUs, one per line, or a CSV with a sku column"),
    query: Optional[str] = typer.Option(None, "--query", help='Products a search finds, e.g. "wooden toys"'),
    out: Path = typer.Option(..., "--out", "-o", help="drafts.csv, drafts.jsonl, shopify.csv or amazon.csv"),
    brand: Optional[str] = typer.Option(None, "--brand", "-b", help="Brand whose style guide to follow"),
    channel: Optional[str] = typer.Option(None, "--channel", "-c", help="amazon, shopify or generic"),
    polish: bool = typer.Option(False, "--polish", help="Polish each first draft with the language model (slow)"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, max=64,
                                          help="Processes drafting at once (default COPYDESK_BULK_WORKERS; 0 there: one per CPU)"),
    fresh: bool = typer.Option(False, "--fresh", help="Draft every product again instead of resuming the last run"),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary"),
) -> None:
    """Draft many products at once: first drafts, verified and checked, one row per product."""
    import os

    from bot.services import Services
    from chains.bulk import (
        BulkRun, Selection, check_options, job_results, output_kind, prepare, read_references, select,
        write_results,
    )
    from copydesk.state.bulk import BulkStore

    named = [name for name, value in (("--category", category), ("--file", file), ("--query", query)) if value]
    if len(named) != 1:
        raise InputError("Name the products one way: --category, --file or --query.",
                         hint='e.g. copydesk bulk --category "Model Trains" --out drafts.csv')
    output_kind(out)  # a name copydesk cannot write is refused before any drafting
    if file is not None:
        selection = Selection("references", str(file), read_references(file.read_text(encoding="utf-8-sig"),
                                                                         name=str(file)))
    else:
        selection = Selection("category" if category else "query", (category or query or "").strip())
    settings = load_settings()
    services = Services(settings)
    channel = channel or settings.default_channel
    check_options(services.copy_chain, brand=brand, channel=channel)
    picks = select(services.catalog, selection, query_limit=settings.bulk_query_limit)
    if polish:
        services.use_text_generator()
    store = BulkStore(services.database)
    job, resumed = prepare(store, picks, selection, brand=brand, channel=channel, polish=polish,
                           resume=not fresh)
    processes = workers or settings.bulk_workers or os.cpu_count() or 1
    progress = _run(BulkRun(services.copy_chain, store), job.job_id, job.total, processes, quiet=as_json)
    results = job_results(store, services.drafts, job.job_id)
    products = services.catalog.get_many([r.sku for r in results if r.sku]) if output_kind(out) in (
        "shopify", "amazon") else {}
    written = write_results(out, results, products)
    drafted = [r for r in results if r.draft is not None]
    summary = {"job_id": job.job_id, "products": len(results), "drafted": len(drafted),
               "clean": sum(r.clean for r in drafted), "failed": sum(r.error is not None for r in results),
               "resumed": progress.resumed if resumed else 0, "drafted_now": progress.drafted_now,
               "seconds": round(progress_seconds(progress), 2), "rate_per_s": round(progress.rate, 2),
               "out": str(written.path), "failures": str(written.failures_path) if written.failures_path else None}
    if as_json:
        print_json(summary)
        return
    console.print(f"{summary['drafted']} of {summary['products']} products drafted "
                  f"({summary['clean']} clean, {summary['drafted'] - summary['clean']} to review), "
                  f"{summary['failed']} failed" + (f"; {summary['resumed']} done by an earlier run" if resumed else "")
                  + f". Written to {out}"
                  + (f" (failures in {written.failures_path})" if written.failures_path else "") + ".",
                  highlight=False)
    for result in [r for r in results if r.error][:10]:
        err_console.print(f"  {result.reference}: {result.error}", highlight=False, markup=False)


def progress_seconds(progress) -> float:  # noqa: ANN001 - chains.bulk.BulkProgress, imported lazily
    import time

    return time.monotonic() - progress.started


def _run(run, job_id: str, total: int, processes: int, *, quiet: bool):  # noqa: ANN001, ANN202
    """Run the job under a progress bar (rate, ETA, failures); Ctrl-C stops it, resumable."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("drafting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}/s"),
               TextColumn("ETA {task.fields[eta]}"), TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn())
    with Progress(*columns, console=err_console, disable=quiet) as bar:
        task = bar.add_task("bulk", total=total, rate="-", eta="-", failed=0)

        def show(progress) -> None:  # noqa: ANN001
            eta = progress.eta_s
            bar.update(task, completed=progress.finished, rate=f"{progress.rate:.1f}", failed=progress.failed,
                       eta="-" if eta is None else f"{eta:.0f}s")

        try:
            progress = run.run(job_id, processes=processes, on_progress=show)
        except KeyboardInterrupt:
            bar.stop()
            err_console.print("Interrupted. Finished products are kept: run the same command again to resume.")
            raise typer.Exit(130)
        show(progress)
    return progress

"""CLI commands for listing copy: draft, refine, approve, eval."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from bot.cli.common import console, err_console, load_settings, print_json

if TYPE_CHECKING:
    from chains.drafting import DraftResult
    from copydesk.domain import Draft


def register(app: typer.Typer) -> None:
    app.command("draft")(draft_command)
    app.command("refine")(refine_command)
    app.command("approve")(approve_command)
    app.command("eval")(eval_command)


def draft_command(
    reference: str = typer.Argument(..., help="SKU, EAN, model number or product name"),
    brand: Optional[str] = typer.Option(None, "--brand", "-b", help="Brand whose style guide to follow"),
    channel: Optional[str] = typer.Option(None, "--channel", "-c", help="amazon, shopify or generic"),
    no_polish: bool = typer.Option(False, "--no-polish", help="Only the first draft: the language model is not loaded"),
    seed: Optional[int] = typer.Option(None, "--seed", help="Realization seed (default: COPYDESK_SEED); a version's "
                                       "seed (--json shows it) makes that version's first draft again"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Draft grounded listing copy for one product: the first draft at once, then the model's polish of it."""
    from bot.services import Services

    settings = load_settings()
    services = Services(settings)
    product = services.catalog.product(reference)
    first = services.copy_chain.first_draft(product, brand=brand, channel=channel, seed=seed)
    if no_polish:
        _show(first, as_json)
        return
    if not as_json:
        _show(first, as_json=False)
        err_console.print("[dim]polishing with the language model…[/dim]")
    services.use_text_generator()
    result = services.copy_chain.polish(first, budget_s=settings.polish_budget_s,
                                        on_text=None if as_json else _streamer())
    if as_json:
        print_json({**result_json(result), "first_draft": result_json(first), "polished": result is not first})
    elif result is first:
        console.print("[dim]The polish found nothing that ranks higher: the first draft above stands.[/dim]")
    else:
        _show(result, as_json=False)


def refine_command(
    draft_id: str = typer.Argument(..., help="Draft id, e.g. d-7f3a2c"),
    instruction: str = typer.Argument(..., help='What to change: "shorter", "for Amazon", "mention the warranty"'),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Make a new version of a draft following an instruction."""
    from bot.services import Services

    from chains.drafting import refine_draft

    services = Services(load_settings())
    services.use_text_generator()
    result = refine_draft(services.copy_chain, draft_id, instruction)
    _show(result, as_json)


def approve_command(
    draft_id: str = typer.Argument(..., help="Draft id, e.g. d-7f3a2c"),
    version: Optional[int] = typer.Option(None, "--version", "-v", help="Version to approve (default: the latest)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Approve a draft version (approved drafts are exported and become fine-tuning data)."""
    from bot.services import Services

    draft = Services(load_settings()).drafts.approve(draft_id, version)
    if as_json:
        print_json({"draft_id": draft.draft_id, "version": draft.version, "approved": True})
    else:
        console.print(f"Approved {draft.draft_id} version {draft.version}: {draft.title}")


def eval_command(
    products: list[Path] = typer.Option(..., "--products", "-p", exists=True, dir_okay=False,
                                        help="Product file (repeat for several datasets)"),
    limit: int = typer.Option(20, "--limit", "-l", min=1, help="Products to draft per file"),
    channel: str = typer.Option("generic", "--channel", "-c", help="amazon, shopify or generic"),
    brand: Optional[str] = typer.Option(None, "--brand", "-b", help="Brand whose style guide to follow"),
    out: Path = typer.Option(Path("eval-out"), "--out", "-o", help="Folder for the reports and a scratch catalog"),
    skip: int = typer.Option(0, "--skip", help="Rows to skip before taking products"),
    no_raw: bool = typer.Option(False, "--no-raw", help="Leave out the raw-model baseline"),
    raw_tokens: int = typer.Option(160, "--raw-tokens", min=16, help="New tokens for the raw-model baseline"),
    time_budget: Optional[float] = typer.Option(None, "--time-budget", help="Seconds; start no product after this"),
) -> None:
    """Evaluate drafts against the template and raw-model baselines on a product file."""
    from bot.services import Services
    from chains.evaluation.run import EvalConfig, run_eval

    settings = load_settings()
    services = Services(settings)
    config = EvalConfig(products=list(products), limit=limit, channel=channel, brand=brand, out=out, skip=skip,
                        raw_baseline=not no_raw, raw_max_new_tokens=raw_tokens, time_budget_s=time_budget)
    report = run_eval(config, settings, services.text_generator, progress=lambda line: console.print(line))
    console.print(f"Reports: {report.json_path} and {report.markdown_path}")
    judge = report.data["verifier"]["all"]
    console.print(f"Claims counted by verifier {report.data['verifier']['version']}, which on the hand-labelled claim set "
                  f"accepts {judge['acceptance_supported_and_praise']:.1%} of supported sentences and rejects "
                  f"{judge['recall_unsupported_and_planted']:.1%} of unsupported ones.")


# --- output --------------------------------------------------------------------------------------
def result_json(result: DraftResult) -> dict[str, Any]:
    draft = result.draft
    facts = {f.id: f.line() for f in result.facts}
    return {
        "draft_id": draft.draft_id,
        "version": draft.version,
        "product": {"sku": result.product.sku, "title": result.product.title, "brand": result.product.brand,
                    "category": result.product.category},
        "brand": draft.brand,
        "channel": draft.channel,
        "seed": draft.seed,
        "voice": draft.voice,
        "length": draft.length,
        **_copy_json(draft),
        "facts_used": [{"id": fid, "fact": facts.get(fid, fid)} for fid in draft.facts_used],
        "dropped_claims": [c.model_dump() for c in draft.dropped_claims],
        "timings": draft.timings,
        "instruction": draft.instruction,
        "notes": result.notes,
        "parts": [vars(p) for p in result.parts],
        "alternatives": [_copy_json(alt) for alt in result.alternatives],
    }


def _copy_json(draft: Draft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "bullets": draft.bullets,
        "description": draft.description,
        "meta_description": draft.meta_description,
        "origin": draft.origin,
        "scores": draft.scores.model_dump(),
        "violations": draft.violations,
        "repairs": draft.repairs,
    }


def _show(result: DraftResult, as_json: bool) -> None:
    if as_json:
        print_json(result_json(result))
        return
    from rich.markup import escape  # catalog text may hold [brackets] that rich would read as markup

    draft = result.draft
    console.print()
    console.rule(escape(f"{draft.draft_id} v{draft.version} · {result.product.sku} · {draft.channel} · {draft.origin}"))
    console.print(f"[bold]{escape(draft.title)}[/bold]", highlight=False)
    for bullet in draft.bullets:
        console.print(f" • {escape(bullet)}", highlight=False)
    console.print(escape(draft.description), highlight=False)
    if draft.meta_description:
        console.print(f"[dim]meta:[/dim] {escape(draft.meta_description)}", highlight=False)
    console.print(f"[dim]facts used: {', '.join(draft.facts_used) or '-'} · score "
                  f"{draft.scores.total:.2f} · {draft.timings.get('total', 0):.1f}s[/dim]")
    for claim in draft.dropped_claims:
        console.print(f"[yellow]dropped[/yellow] {escape(repr(claim.text))}: {escape(claim.reason)}", highlight=False)
    for repair in draft.repairs:
        console.print(f"[cyan]rules[/cyan] {escape(repair)}", highlight=False)
    for note in result.notes:
        console.print(f"[dim]note: {escape(note)}[/dim]", highlight=False)
    if result.alternatives:
        console.print(f"[dim]{len(result.alternatives)} alternative(s); --json shows them[/dim]")


def _streamer():
    """Print the description as the model writes it (the final, verified copy follows)."""
    started = [False]

    # To stderr and dimmed: this is the model's unverified text; stdout keeps only the checked draft.
    def stream(delta: str) -> None:
        if not started[0]:
            err_console.print("[dim]unverified preview (the checked draft follows):[/dim] ", end="")
            started[0] = True
        err_console.print(delta, end="", style="dim", highlight=False, markup=False)

    return stream

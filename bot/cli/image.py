"""CLI command: image — a product image from the catalog and the brand's visual style."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from bot.cli.common import console, err_console, load_settings, print_json

if TYPE_CHECKING:
    from chains.images.service import ImageOutcome


def register(app: typer.Typer) -> None:
    app.command("image")(image_command)


def image_command(
    reference: str = typer.Argument(..., help="SKU, EAN, model number or product name"),
    out: Path = typer.Option(..., "--out", "-o", dir_okay=False, help="Where to write the PNG"),
    scene: str = typer.Option("", "--scene", "-s", help='The scene, e.g. "on a marble kitchen counter, morning light"'),
    brand: Optional[str] = typer.Option(None, "--brand", "-b", help="Brand whose visual rules to follow"),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed (same seed, same image); default: a new one"),
    steps: Optional[int] = typer.Option(None, "--steps", help="Denoising steps (default COPYDESK_IMAGE_DEFAULT_STEPS)"),
    size: Optional[str] = typer.Option(None, "--size", help="WIDTHxHEIGHT, multiples of 8 (default COPYDESK_IMAGE_DEFAULT_SIZE)"),
    init_image: Optional[Path] = typer.Option(None, "--init-image", "-i", exists=True, dir_okay=False,
                                              help="A product photo (PNG/JPEG/WebP) to put in the new scene"),
    llm_prompt: Optional[bool] = typer.Option(
        None, "--llm-prompt/--template-prompt",
        help="Ask the text model for the prompt, or build it from the template only "
             "(default: COPYDESK_IMAGE_PROMPT_WITH_LLM, off)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Make a product image with the configured Stable Diffusion model (COPYDESK_IMAGE_MODEL)."""
    from bot.services import Services
    from chains.images.service import ImageService

    settings = load_settings()
    services = Services(settings)
    photo = _read_limited(init_image, settings.upload_max_bytes) if init_image else None
    use_llm = settings.image_prompt_with_llm if llm_prompt is None else llm_prompt
    text_generator = services.text_generator if use_llm else None
    service = ImageService(services.catalog, services.image_generator, text_generator, settings)
    product = services.catalog.product(reference)
    if as_json:
        outcome = service.create(product, scene=scene, brand=brand, seed=seed, steps=steps, size=size, init_image=photo)
    else:
        outcome = _with_progress(service, product, scene=scene, brand=brand, seed=seed, steps=steps, size=size,
                                 init_image=photo)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(outcome.result.png)
    _show(outcome, out, as_json)


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes: enough for the size check to refuse a huge file without reading it all."""
    with path.open("rb") as handle:
        return handle.read(max_bytes + 1)


def _with_progress(service, product, **request) -> ImageOutcome:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("denoising"), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("image", total=None)
        return service.create(product, on_step=lambda k, n: bar.update(task, completed=k, total=n), **request)


def _show(outcome: ImageOutcome, out: Path, as_json: bool) -> None:
    from rich.markup import escape

    result, prompt = outcome.result, outcome.prompt
    if as_json:
        print_json({
            "sku": outcome.product.sku,
            "title": outcome.product.title,
            "prompt": prompt.prompt,
            "negative_prompt": prompt.negative_prompt,
            "prompt_origin": prompt.origin,
            "prompt_rejected": prompt.rejected,
            "seed": result.seed,
            "steps": result.steps,
            "size": f"{result.width}x{result.height}",
            "mode": result.mode,
            "timings": result.timings,
            "out": str(out.resolve()),
        })
        return
    console.print(f"[bold]{escape(outcome.product.title)}[/] ({escape(outcome.product.sku)})", highlight=False, soft_wrap=True)
    console.print(f"prompt ({prompt.origin}): {prompt.prompt}", highlight=False, markup=False, soft_wrap=True)
    console.print(f"negative prompt: {prompt.negative_prompt}", highlight=False, markup=False, soft_wrap=True)
    console.print(f"seed {result.seed}, {result.steps} steps, {result.width}x{result.height}, {result.mode}, "
                  f"{result.timings.get('total_s', 0):.2f} s -> {out}", highlight=False, soft_wrap=True)

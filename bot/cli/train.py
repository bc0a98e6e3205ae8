"""CLI commands: `copydesk train data | sft | rank` (fine-tuning the copy model)."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import console, load_settings, print_json

train_app = typer.Typer(help="Fine-tune the copy model: build data, supervised fine-tuning, generate-rank-retrain.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(train_app, name="train")


def resolve_base(base: str | None) -> str:
    """A model folder for training: `builtin:` models are converted once (as the text model does)."""
    from generators.text.builtin import PREFIX, builtin_model_dir

    settings = load_settings()
    spec = base or settings.llm
    if spec.startswith(PREFIX):
        return str(builtin_model_dir(spec, settings.models_path))
    return spec


@train_app.command("data")
def data_command(
    products: list[Path] = typer.Option(..., "--products", help="Catalog files with human copy (repeatable)"),
    out: Path = typer.Option(..., "--out", help="Folder for train/validation/test JSONL and report.json"),
    brand: str | None = typer.Option(None, "--brand", help="Brand whose style guide the prompts carry (ingested)"),
    channel: str = typer.Option("generic", "--channel", help="Sales channel the prompts are for"),
    limit: int | None = typer.Option(None, "--limit", help="At most this many products per file"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON"),
) -> None:
    """Build (facts + brand style -> copy) examples from catalog rows that carry human copy."""
    from chains.training_data.examples import write_training_data

    settings = load_settings()
    catalog = None
    if brand or settings.default_brand:  # the style guide lives in the catalog store
        from retrieval.catalog import Catalog

        catalog = Catalog.open(settings)
    report = write_training_data(list(products), out, settings, brand=brand, channel=channel, limit=limit,
                                 catalog=catalog, progress=not as_json)
    if as_json:
        import json

        print_json(json.loads((out / "report.json").read_text(encoding="utf-8")))
        return
    from rich.table import Table

    table = Table("split", "products", *report.examples["train"].keys(), title=f"examples in {out}")
    for split, kinds in report.examples.items():
        table.add_row(split, str(report.products[split]), *(str(n) for n in kinds.values()))
    console.print(table)
    for kind, reasons in report.dropped.items():
        for reason, n in reasons.items():
            console.print(f"dropped {n} {kind} example(s): {reason}")
    console.print(f"report: {out / 'report.json'}")


@train_app.command("sft")
def sft_command(
    data: Path = typer.Option(..., "--data", help="Folder with train.jsonl (+ validation.jsonl), or a JSONL file"),
    out: Path = typer.Option(..., "--out", help="Adapter output folder"),
    base: str | None = typer.Option(None, "--base", help="Base model (default: COPYDESK_LLM)"),
    init_adapter: Path | None = typer.Option(None, "--init-adapter", help="Continue training this adapter"),
    epochs: float = typer.Option(1.0, "--epochs"),
    max_steps: int | None = typer.Option(None, "--max-steps", help="Optimiser steps (overrides --epochs)"),
    lr: float = typer.Option(3e-4, "--lr"),
    batch_size: int = typer.Option(8, "--batch-size"),
    max_length: int = typer.Option(512, "--max-length", help="Tokens per example"),
    lora_r: int = typer.Option(16, "--lora-r"),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda"),
    seed: int | None = typer.Option(None, "--seed", help="Default: COPYDESK_SEED"),
    checkpoint_every: int = typer.Option(200, "--checkpoint-every"),
    resume: bool = typer.Option(False, "--resume", help="Continue from the last checkpoint in --out"),
    as_json: bool = typer.Option(False, "--json", help="Print the training report as JSON"),
) -> None:
    """Phase 2: supervised fine-tuning with LoRA, loss on the copy tokens only."""
    from dataclasses import asdict

    from generators.training import SFTConfig, train_sft

    settings = load_settings()
    config = SFTConfig(
        data=data, base=resolve_base(base), out=out, init_adapter=init_adapter, epochs=epochs, max_steps=max_steps,
        lr=lr, batch_size=batch_size, max_length=max_length, lora_r=lora_r, lora_alpha=2 * lora_r, device=device,
        seed=settings.seed if seed is None else seed, checkpoint_every=checkpoint_every, resume=resume,
        threads=settings.llm_threads, progress=not as_json,
    )
    report = train_sft(config)
    summary = {k: v for k, v in asdict(report).items() if k not in ("step_losses", "config")}
    if as_json:
        print_json(summary)
        return
    console.print(f"adapter: {report.adapter} ({report.steps} steps, {report.train_examples} examples, "
                  f"{report.tokens_per_s} tokens/s on {report.device})")
    for row in report.validation_loss:
        console.print(f"epoch {row['epoch']} (step {row['step']}): train loss {row['train_loss']}, "
                      f"validation loss {row['loss']}")
    console.print(f"Use it: COPYDESK_LLM_ADAPTER={report.adapter}")


@train_app.command("rank")
def rank_command(
    data: Path = typer.Option(..., "--data", help="Folder made by `copydesk train data` (train.jsonl + products/)"),
    adapter: Path = typer.Option(..., "--adapter", help="The adapter to start from (phase 2)"),
    out: Path = typer.Option(..., "--out", help="Output adapter folder (rounds in out/round-N)"),
    rounds: int = typer.Option(1, "--rounds", min=1),
    candidates: int = typer.Option(4, "--candidates", min=1, max=16, help="Candidates generated per prompt"),
    limit: int | None = typer.Option(None, "--limit", help="Training prompts per round (default: all)"),
    base: str | None = typer.Option(None, "--base", help="Base model (default: COPYDESK_LLM)"),
    max_steps: int | None = typer.Option(None, "--max-steps", help="Fine-tuning steps per round"),
    epochs: float = typer.Option(1.0, "--epochs"),
    lr: float = typer.Option(1e-4, "--lr"),
    batch_size: int = typer.Option(8, "--batch-size"),
    device: str = typer.Option("auto", "--device"),
    as_json: bool = typer.Option(False, "--json", help="Print each round's metrics as JSON"),
) -> None:
    """Phase 3: generate K candidates per prompt, keep the best verified one, fine-tune on those; repeat."""
    from dataclasses import asdict

    from chains.training_data.rank_retrain import RankOptions, rank_train

    settings = load_settings()
    options = RankOptions(rounds=rounds, candidates=candidates, limit=limit, max_steps=max_steps, epochs=epochs,
                          lr=lr, batch_size=batch_size, temperature=settings.temperature, device=device)
    reports = rank_train(data, adapter, out, resolve_base(base), settings, options)
    if as_json:
        print_json([{**asdict(r), "pass_rate": r.pass_rate} for r in reports])
        return
    for r in reports:
        console.print(f"round {r.round}: {r.prompts} prompts, {r.candidates} candidates, pass rate {r.pass_rate:.0%}, "
                      f"kept {r.kept}, dropped {r.dropped}, mean best score {r.mean_best_total}, "
                      f"validation loss {(r.train.get('validation_loss') or [{}])[-1].get('loss')}")
        if r.note:
            console.print(f"round {r.round}: {r.note}")
    console.print(f"adapter: {out} (COPYDESK_LLM_ADAPTER={out})")

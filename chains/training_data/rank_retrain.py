"""Phase 3: generate, rank, retrain.

Each round: the current model (base + adapter, through `generators.text`) writes K candidates for
every training prompt (the polish prompts of `copydesk train data`, decoded as the polish decodes them:
the same token budget, stop and allowed numbers); the grounding verifier judges them against what the
prompt shows and the polish's own gates (steps.accept, every fact of the realized part kept) apply; the
ranker scores those that pass (grounding, coverage, style, fluency), the best one becomes the new target,
and prompts where no candidate passes are dropped. The adapter is then fine-tuned on the kept pairs
(starting from itself) and the next round uses it. Every round's numbers go into rank.json.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from chains.drafting import (
    Candidate, StepOutcome, accept, allowed_numbers, clean, keeps_facts, rewrite_tokens, score_draft,
    without_unfinished_sentence,
)
from chains.training_data.examples import read_split_products, shown_verifier
from copydesk.domain import BrandRules, Draft, Fact, Product
from copydesk.errors import InputError
from copydesk.settings import Settings
from generators.text import ChatMessage, Generation, load_text_generator
from generators.training import ChatExample, SFTConfig, train_sft, write_examples
from generators.training.examples import load_split

REPORT_FILE = "rank.json"
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


@dataclass
class RankOptions:
    rounds: int = 1
    candidates: int = 4
    limit: int | None = None          # training prompts per round (None: all)
    max_steps: int | None = None      # fine-tuning steps per round
    epochs: float = 1.0
    lr: float = 1e-4
    batch_size: int = 8
    temperature: float = 0.8
    device: str = "auto"


@dataclass
class RoundReport:
    round: int
    adapter_in: str
    adapter_out: str
    prompts: int = 0
    candidates: int = 0
    passed: int = 0                   # candidates the verifier accepted
    kept: int = 0                     # prompts with at least one passing candidate
    dropped: int = 0                  # prompts where none passed
    dropped_no_product: int = 0       # prompts whose product is missing from the data folder
    mean_best_total: float | None = None
    mean_passing_total: float | None = None
    by_field: dict[str, dict[str, int]] = field(default_factory=dict)
    generate_s: float = 0.0
    train: dict = field(default_factory=dict)
    note: str = ""

    @property
    def pass_rate(self) -> float:
        return round(self.passed / self.candidates, 4) if self.candidates else 0.0


@dataclass
class Scored:
    text: str
    total: float


def rank_train(data: Path, adapter: Path, out: Path, base: str, settings: Settings, options: RankOptions) -> list[RoundReport]:
    """Run `options.rounds` rounds from `adapter`; the final adapter is written to `out`."""
    if not (adapter / "adapter_config.json").is_file():
        raise InputError(f"{adapter} holds no LoRA adapter.", hint="Train one first with `copydesk train sft`.")
    prompts = load_split(data, "train")[: options.limit]
    products = read_split_products(data, "train")
    if not prompts:
        raise InputError(f"No training prompts in {data}.", hint="Build them with `copydesk train data`.")
    reports: list[RoundReport] = []
    current = adapter
    for number in range(1, options.rounds + 1):
        round_dir = out / f"round-{number}"
        report = RoundReport(number, str(current), str(round_dir))
        kept = _generate_and_rank(prompts, products, current, settings, options, report, seed=settings.seed + number)
        reports.append(report)
        if not kept:  # nothing worth learning from: say so and keep the adapter as it was
            report.note = (f"no candidate passed verification for any of {report.prompts} prompts; "
                           "the adapter is carried over unchanged (train it longer with `copydesk train sft`)")
            _write_report(out, reports)
            continue
        write_examples(round_dir / "data" / "train.jsonl", kept)
        validation = data / "validation.jsonl"
        if validation.is_file():
            shutil.copy(validation, round_dir / "data" / "validation.jsonl")
        sft = train_sft(SFTConfig(
            data=round_dir / "data", base=base, out=round_dir, init_adapter=current, epochs=options.epochs,
            max_steps=options.max_steps, lr=options.lr, batch_size=options.batch_size, seed=settings.seed + number,
            device=options.device, threads=settings.llm_threads, progress=False, checkpoint_every=0, keep_checkpoints=1,
        ))
        report.train = {k: v for k, v in asdict(sft).items() if k not in ("step_losses", "config")}
        current = round_dir
        _write_report(out, reports)
    out.mkdir(parents=True, exist_ok=True)
    for name in ADAPTER_FILES:
        shutil.copy(current / name, out / name)
    _write_report(out, reports)
    return reports


def _generate_and_rank(prompts: list[ChatExample], products: dict[str, Product], adapter: Path, settings: Settings,
                       options: RankOptions, report: RoundReport, seed: int) -> list[ChatExample]:
    generator = load_text_generator(settings.model_copy(update={"llm_adapter": str(adapter)}))
    kept: list[ChatExample] = []
    best_totals: list[float] = []
    passing_totals: list[float] = []
    started = time.perf_counter()
    for index, example in enumerate(prompts):
        product = products.get(str(example.meta.get("sku")))
        if product is None:
            report.dropped_no_product += 1
            continue
        report.prompts += 1
        field_name = example.meta.get("field", "description")
        facts = [Fact(id=f"F{i}", name=n, value=v, source_id="shown") for i, (n, v) in enumerate(example.meta.get("facts", []), 1)]
        realized = str(example.meta.get("realized", ""))
        stated = [f for f in facts if f.name in set(example.meta.get("stated", []))]
        generations = generator.generate(
            [ChatMessage(m["role"], m["content"]) for m in example.prompt], n=options.candidates,
            max_new_tokens=min(rewrite_tokens(field_name, realized), settings.max_new_tokens),
            temperature=options.temperature, seed=seed * 100_000 + index,
            stop=("\n",) if field_name != "description" else ("\n\n",),
            allowed_numbers=allowed_numbers(facts, realized),
        )
        scored = [s for s in (_score(g, field_name, product, facts, realized, stated) for g in generations) if s]
        stats = report.by_field.setdefault(field_name, {"prompts": 0, "candidates": 0, "passed": 0, "kept": 0})
        stats["prompts"] += 1
        stats["candidates"] += len(generations)
        stats["passed"] += len(scored)
        report.candidates += len(generations)
        report.passed += len(scored)
        if not scored:
            report.dropped += 1
            continue
        best = max(scored, key=lambda s: s.total)
        best_totals.append(best.total)
        passing_totals += [s.total for s in scored]
        stats["kept"] += 1
        report.kept += 1
        kept.append(ChatExample(prompt=example.prompt, completion=best.text,
                                meta={**example.meta, "origin": "rank", "score": round(best.total, 4)}))
    report.generate_s = round(time.perf_counter() - started, 2)
    report.mean_best_total = round(sum(best_totals) / len(best_totals), 4) if best_totals else None
    report.mean_passing_total = round(sum(passing_totals) / len(passing_totals), 4) if passing_totals else None
    return kept


def _score(generation: Generation, field_name: str, product: Product, facts: list[Fact], realized: str,
           stated: list[Fact]) -> Scored | None:
    """The candidate's ranker total, or None when the polish would not keep it: the verifier rejects it (a
    bullet judged whole, a paragraph keeping its supported sentences), it does not read as copy
    (steps.accept), or it loses a fact the realized part states."""
    verifier = shown_verifier(product, facts, None)
    whole = field_name != "description"
    finished = generation.finish_reason == "stop"
    text = clean(generation.text) if whole else " ".join(generation.text.split())
    if not whole and not finished:
        text = without_unfinished_sentence(text)
    checked = verifier.check_text(text, field_name)
    if not checked.text.strip() or not checked.fact_ids or (whole and checked.dropped):
        return None
    text = checked.text.strip()
    outcome = accept(StepOutcome(field_name, [Candidate(text, list(checked.fact_ids), generation.mean_logprob,
                                                        finished=finished or not whole)], 1, []),
                     min_words=4, cites={f.id for f in verifier.facts if f.name in {s.name for s in stated}} or None)
    if not outcome.passed or not keeps_facts(text, realized, stated):
        return None
    draft = Draft(sku=product.sku, title=product.title, bullets=[text] if whole else [],
                  description="" if whole else text)
    scores = score_draft(draft, product, verifier.facts, BrandRules(), "generic", generation.mean_logprob)
    return Scored(text, scores.total)


def _write_report(out: Path, reports: list[RoundReport]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = [{**asdict(r), "pass_rate": r.pass_rate} for r in reports]
    (out / REPORT_FILE).write_text(json.dumps({"rounds": rows}, indent=2), encoding="utf-8")

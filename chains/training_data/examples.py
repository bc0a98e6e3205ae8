"""Training examples for the copy model from catalog rows that carry human copy.

For every product with human copy it makes up to three (prompt -> completion) examples:

- ``title``: the copy chain's title step -> the catalog's title;
- ``rewrite``: the description step with the catalog description given (``copy_rewrite``) -> the
  human description's sentences that the shown text supports;
- ``draft``: the description step from attributes alone (``copy_description``) -> only the
  sentences of the human copy that the grounding verifier finds anchored in the shown facts.

The prompts are not rebuilt here: ``PromptRecorder`` runs the copy chain's own steps
(``CopyChain.generate``) and records what they would send to the model, so training and
inference prompts cannot drift apart. Every target is checked by ``GroundingVerifier``
against the facts its prompt shows (training on ungrounded copy teaches hallucination);
what was dropped, and why, goes into the report. Split: by a hash of the SKU, so a product
is in the same split on every run and for every kind of example.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chains.drafting import CopyChain
from chains.grounding import split_sentences
from chains.drafting import Steps, StepOutcome, Timer, cut_value
from chains.grounding import GroundingVerifier
from copydesk.domain import Fact, Product
from copydesk.settings import Settings
from generators.text.base import ChatMessage
from generators.training.examples import ChatExample
from retrieval.facts import facts_for
from retrieval.readers import RowError, read_products

if TYPE_CHECKING:
    from retrieval.catalog import Catalog

SPLITS = ("train", "validation", "test")
KINDS = ("title", "rewrite", "draft")
MAX_SENTENCES = 3        # the copy chain asks for 3 short sentences
MAX_TARGET_WORDS = 70    # ~90 tokens: what the description step may generate
MIN_TARGET_WORDS = 6
# Flipkart "descriptions" are often generated spec dumps, not copy worth imitating.
_SPEC_DUMP = re.compile(r"\b(key features of|specifications of|general details|in the box)\b", re.I)
# Shop boilerplate in Flipkart rows ("Buy ... For Only Rs. 379", "Free Shipping. Cash On Delivery!").
_BOILERPLATE = re.compile(r"\b(buy|rs\.?|free shipping|cash on delivery|genuine products?|replacement guarantee|flipkart)\b", re.I)
_WORD = re.compile(r"[a-z0-9]+")
_FILLER = {"a", "an", "the", "and", "or", "of", "for", "with", "in", "on", "to", "is", "it", "this", "by", "from"}


def split_of(sku: str, validation: int = 10, test: int = 10) -> str:
    """train / validation / test from a stable hash of the SKU (percent shares)."""
    bucket = int(hashlib.sha256(sku.encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < test:
        return "test"
    if bucket < test + validation:
        return "validation"
    return "train"


@dataclass
class RecordedStep:
    label: str
    field: str
    messages: list[ChatMessage]
    facts: list[Fact]
    source: str | None  # the catalog description as the prompt shows it (rewrite step)


class PromptRecorder(Steps):
    """The copy chain's steps with the model call replaced by a recording of its prompt."""

    def __init__(self, settings: Settings, *, brand: str, voice: str, style: str) -> None:
        # No model and no verifier: `_run` below never generates, so neither is used.
        super().__init__(None, settings, None, brand=brand, voice=voice, style=style, timer=Timer())  # type: ignore[arg-type]
        self.recorded: list[RecordedStep] = []
        self._shown: tuple[list[Fact], str | None] = ([], None)

    def title(self, product, facts, max_words):  # type: ignore[override]
        self._shown = (list(facts), None)
        return super().title(product, facts, max_words)

    def description(self, product, facts, tone, *, source=None, sentences=MAX_SENTENCES, on_text=None):  # type: ignore[override]
        self._shown = (list(facts), cut_value(source) if source else None)
        return super().description(product, facts, tone, source=source, sentences=sentences, on_text=on_text)

    def _run(self, label, field_name, prompt, numbers, *, tokens, whole, on_text=None):  # type: ignore[override]
        facts, source = self._shown
        self.recorded.append(RecordedStep(label, field_name, [self.system, ChatMessage("user", prompt)], facts, source))
        self._shown = ([], None)
        return StepOutcome(label, [], 0, [])


@dataclass
class DataReport:
    files: dict[str, dict] = field(default_factory=dict)       # per input file: read, row errors, with copy
    examples: dict[str, dict[str, int]] = field(default_factory=lambda: {s: dict.fromkeys(KINDS, 0) for s in SPLITS})
    products: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    dropped: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    sentences_dropped: dict[str, int] = field(default_factory=lambda: {"rewrite": 0, "draft": 0})
    sentences_kept: dict[str, int] = field(default_factory=lambda: {"rewrite": 0, "draft": 0})
    dropped_claim_kinds: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    row_errors: list[str] = field(default_factory=list)         # the first few, with file:line
    brand: str | None = None

    def drop(self, kind: str, reason: str) -> None:
        self.dropped[kind][reason] = self.dropped[kind].get(reason, 0) + 1


@dataclass
class ProductExamples:
    product: Product
    split: str
    examples: list[ChatExample]


class TrainingDataBuilder:
    """Turns products into verified chat examples, recording prompts through the copy chain."""

    def __init__(self, settings: Settings, *, brand: str | None = None, channel: str = "generic",
                 catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.brand = brand
        self.channel = channel
        self.chain = CopyChain(catalog, None, None, settings)  # type: ignore[arg-type]  # only context() and generate()
        self.report = DataReport(brand=brand)

    def build(self, product: Product) -> ProductExamples:
        split = split_of(product.sku)
        examples: list[ChatExample] = []
        steps = self._record(product, include_description=False)
        title = next((s for s in steps if s.field == "title"), None)
        draft = next((s for s in steps if s.field == "description"), None)
        if title is not None:
            examples += self._title_example(product, title, split)
        if product.description and draft is not None:
            examples += self._description_example(product, draft, split, "draft")
            rewrite = next((s for s in self._record(product, include_description=True) if s.field == "description"), None)
            if rewrite is not None:
                examples += self._description_example(product, rewrite, split, "rewrite")
        for example in examples:
            self.report.examples[split][example.meta["kind"]] += 1
        self.report.products[split] += 1
        return ProductExamples(product, split, examples)

    # --- prompts: recorded from the copy chain --------------------------------------------------
    def _record(self, product: Product, *, include_description: bool) -> list[RecordedStep]:
        return record_steps(self.chain, self.settings, product, brand=self.brand, channel=self.channel,
                            include_description=include_description)

    # --- targets: human copy, verified against what the prompt shows -----------------------------
    def _title_example(self, product: Product, step: RecordedStep, split: str) -> list[ChatExample]:
        target = " ".join(product.title.split())
        if product.brand and not target.lower().startswith(product.brand.lower()):
            self.report.drop("title", "does not start with the brand (the prompt asks for that)")
            return []
        checked = _verifier_for(product, step).check_title(target)
        if checked.dropped:
            self._count_claims("title", checked.dropped)
            self.report.drop("title", "title states something the shown facts lack")
            return []
        return [self._example(product, step, split, "title", target, len(checked.claims))]

    def _description_example(self, product: Product, step: RecordedStep, split: str, kind: str) -> list[ChatExample]:
        text = " ".join((product.description or "").split())
        if _SPEC_DUMP.search(text):
            self.report.drop(kind, "description is a spec dump, not copy")
            return []
        checked = _verifier_for(product, step).check_text(text, "description")
        self._count_claims(kind, checked.dropped)
        verified = split_sentences(checked.text)
        self.report.sentences_dropped[kind] += max(0, len(split_sentences(text)) - len(verified))
        kept = [s for s in verified if not _BOILERPLATE.search(s) and not _restates_name(s, product)]
        self.report.sentences_dropped[kind] += len(verified) - len(kept)
        target = _first_sentences(kept)
        if len(target.split()) < MIN_TARGET_WORDS:
            reason = "no sentence anchored in the shown facts" if not kept else "too little anchored text left"
            self.report.drop(kind, reason)
            return []
        self.report.sentences_kept[kind] += len(split_sentences(target))
        return [self._example(product, step, split, kind, target, len(checked.claims))]

    def _example(self, product: Product, step: RecordedStep, split: str, kind: str, target: str, claims: int) -> ChatExample:
        meta = {
            "sku": product.sku, "kind": kind, "field": step.field, "split": split, "brand": self.brand,
            "channel": self.channel, "source": str(product.source) if product.source else None,
            "facts": [[f.name, f.value] for f in step.facts], "shown_description": step.source, "claims": claims,
        }
        prompt = [{"role": m.role, "content": m.content} for m in step.messages]
        return ChatExample(prompt=prompt, completion=target, meta=meta)

    def _count_claims(self, kind: str, claims: Iterable) -> None:
        counts = self.report.dropped_claim_kinds[kind]
        for claim in claims:
            counts[claim.kind] = counts.get(claim.kind, 0) + 1


def record_steps(chain: CopyChain, settings: Settings, product: Product, *, brand: str | None, channel: str,
                 include_description: bool) -> list[RecordedStep]:
    """What the copy chain's steps would send the model for `product`, in call order (nothing is generated)."""
    ctx = chain.context(product, brand=brand, channel=channel, include_description=include_description)
    recorder = PromptRecorder(settings, brand=ctx.brand or "the shop", voice=ctx.voice, style=ctx.style)
    chain.generate(recorder, ctx)
    return recorder.recorded


def shown_product(product: Product, facts: list[Fact], source: str | None) -> Product:
    """The product as one prompt shows it: only the shown attributes, and the shown description."""
    names = {f.name for f in facts}
    return product.model_copy(update={
        "attributes": {k: v for k, v in product.attributes.items() if k in names},
        "description": source,
    })


def _verifier_for(product: Product, step: RecordedStep) -> GroundingVerifier:
    return shown_verifier(product, step.facts, step.source)


def shown_verifier(product: Product, facts: list[Fact], source: str | None) -> GroundingVerifier:
    """A verifier that knows only what one prompt shows: copy learned from it can be grounded in the prompt."""
    shown = shown_product(product, facts, source)
    return GroundingVerifier(shown, facts_for(shown))


def _restates_name(sentence: str, product: Product) -> bool:
    """A sentence that only repeats the product's name (a common first line of human copy) teaches nothing."""
    name = set(_WORD.findall(f"{product.title} {product.brand or ''} {product.model or ''}".lower()))
    new = set(_WORD.findall(sentence.lower())) - name - _FILLER
    return len(new) < 2


def _first_sentences(kept: list[str]) -> str:
    chosen: list[str] = []
    words = 0
    for sentence in kept[:MAX_SENTENCES]:
        n = len(sentence.split())
        if chosen and words + n > MAX_TARGET_WORDS:
            break
        if not chosen and n > MAX_TARGET_WORDS:
            return ""  # one run-on "sentence" longer than a whole description: not a usable target
        chosen.append(sentence)
        words += n
    return " ".join(chosen)


def read_catalog(paths: list[Path], report: DataReport, limit: int | None = None) -> Iterator[Product]:
    """Products with human copy from each file (at most `limit` per file); row errors are counted and listed."""
    for path in paths:
        stats = {"read": 0, "row_errors": 0, "with_copy": 0}
        report.files[str(path)] = stats
        for item in read_products(path):
            if isinstance(item, RowError):
                stats["row_errors"] += 1
                if len(report.row_errors) < 20:
                    report.row_errors.append(str(item))
                continue
            stats["read"] += 1
            if item.description or item.title:
                stats["with_copy"] += 1
                yield item
            if limit is not None and stats["read"] >= limit:
                break


def write_training_data(
    paths: list[Path],
    out: Path,
    settings: Settings,
    *,
    brand: str | None = None,
    channel: str = "generic",
    limit: int | None = None,
    catalog: Catalog | None = None,
    progress: bool = False,
) -> DataReport:
    """Build the examples of `paths` into out/{train,validation,test}.jsonl, out/products/<split>.jsonl
    (the products, for rank training), out/heldout/<file> (test rows in their source format, for
    `copydesk eval`) and out/report.json."""
    import json
    from dataclasses import asdict

    from chains.training_data.heldout import write_rows
    from generators.training.examples import write_examples

    builder = TrainingDataBuilder(settings, brand=brand, channel=channel, catalog=catalog)
    by_split: dict[str, list[ChatExample]] = {s: [] for s in SPLITS}
    products: dict[str, list[Product]] = {s: [] for s in SPLITS}
    test_rows: dict[str, set[int]] = {}
    items = read_catalog(paths, builder.report, limit)
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="products", unit="product")
    for product in items:
        built = builder.build(product)
        by_split[built.split] += built.examples
        if built.examples:
            products[built.split].append(product)
            if built.split == "test" and product.source is not None and product.source.row is not None:
                test_rows.setdefault(product.source.file, set()).add(product.source.row)
    out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        write_examples(out / f"{split}.jsonl", by_split[split])
        (out / "products").mkdir(exist_ok=True)
        (out / "products" / f"{split}.jsonl").write_text(
            "".join(p.model_dump_json() + "\n" for p in products[split]), encoding="utf-8"
        )
    heldout = {}
    for file, rows in test_rows.items():
        target = out / "heldout" / Path(file).name
        heldout[str(target)] = write_rows(Path(file), rows, target)
    report = builder.report
    record = asdict(report)
    record["heldout"] = heldout
    record["totals"] = {s: sum(report.examples[s].values()) for s in SPLITS}
    record["dropped_total"] = {k: sum(v.values()) for k, v in report.dropped.items()}
    (out / "report.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    return report


def read_split_products(data: Path, split: str) -> dict[str, Product]:
    """The products of one split written by `write_training_data`, by SKU."""
    path = data / "products" / f"{split}.jsonl"
    if not path.is_file():
        return {}
    found = (Product.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {p.sku: p for p in found}

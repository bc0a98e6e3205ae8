"""Training examples for the copy model from catalog rows that carry human copy.

The model's one job at inference is the polish (chains/drafting/polish.py): it gets one realized part of a
draft (a bullet, a description paragraph), the facts that part states and the brand's voice, and rewrites
it. The examples are that job: for every product with a human description, the product is realized as a
first draft (from its attributes alone, so the human copy is not in the prompt) and each description
paragraph's polish prompt, exactly as `CopyChain.polish_prompts` gives it (the same functions render it
for the model), is paired with the human copy that says the same thing:

- ``paragraph``: a realized description paragraph -> the sentences of the human description that the
  grounding verifier, knowing only the facts the prompt shows, finds supported and anchored, when together
  they still state every fact the realized paragraph states (the polish keeps a candidate only then);
- ``bullet``: a realized bullet -> the same, one or two sentences, after the realized bullet's own header
  ("Size and Weight: " + the human words): catalogs hold no human bullets, so the header is the realized
  one and only the sentence is human. Approved and edited drafts give whole human bullets (feedback.py). Every target is checked against the facts its prompt shows (training on ungrounded copy
teaches hallucination); what was dropped, and why, goes into the report. Split: by a hash of the SKU, so a
product is in the same split on every run and for every kind of example.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from chains.drafting import CopyChain, PolishPart, keeps_facts
from chains.grounding import GroundingVerifier, split_sentences
from copydesk.domain import Fact, Product
from copydesk.settings import Settings
from generators.text.base import ChatMessage
from generators.training.examples import ChatExample
from retrieval.facts import facts_for
from retrieval.readers import RowError, read_products

if TYPE_CHECKING:
    from retrieval.catalog import Catalog

SPLITS = ("train", "validation", "test")
KINDS = ("bullet", "paragraph")
KIND_OF = {"bullet": "bullet", "description": "paragraph"}  # the polish's field -> the kind of example
MAX_SENTENCES = 3        # a realized paragraph is one to three short sentences
MAX_TARGET_WORDS = 70    # about what a paragraph's rewrite may generate
LIMITS = {"paragraph": (MAX_SENTENCES, MAX_TARGET_WORDS), "bullet": (2, 36)}  # a bullet: one or two sentences
MIN_TARGET_WORDS = 6
NAMING = {"Product", "Brand", "Model", "Category", "Description"}  # facts that name the product, not describe it
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
class DataReport:
    files: dict[str, dict] = field(default_factory=dict)       # per input file: read, row errors, with copy
    examples: dict[str, dict[str, int]] = field(default_factory=lambda: {s: dict.fromkeys(KINDS, 0) for s in SPLITS})
    products: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    dropped: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    sentences_dropped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    sentences_kept: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
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
    """Turns products into verified chat examples whose prompts are the polish's own (CopyChain.polish_prompts)."""

    def __init__(self, settings: Settings, *, brand: str | None = None, channel: str = "generic",
                 catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.brand = brand
        self.channel = channel
        self.chain = CopyChain(catalog, None, None, settings)  # type: ignore[arg-type]  # realizes; stores nothing
        self.report = DataReport(brand=brand)

    def build(self, product: Product) -> ProductExamples:
        split = split_of(product.sku)
        examples: list[ChatExample] = []
        if product.description:
            # From the attributes alone: the human description is the target, so the prompt must not show it.
            prompts = self.chain.polish_prompts(product, brand=self.brand, channel=self.channel,
                                                include_description=False)
            for part, messages in prompts:
                examples += self._part_example(product, part, messages, split)
        for example in examples:
            self.report.examples[split][example.meta["kind"]] += 1
        self.report.products[split] += 1
        return ProductExamples(product, split, examples)

    # --- targets: human copy, verified against what the prompt shows -----------------------------
    def _part_example(self, product: Product, part: PolishPart, messages: list[ChatMessage],
                      split: str) -> list[ChatExample]:
        kind = KIND_OF[part.field]
        if not {f.name for f in part.stated} - NAMING:
            self.report.drop(kind, "the realized part only names the product (any sentence naming it would pass)")
            return []
        text = " ".join((product.description or "").split())
        if _SPEC_DUMP.search(text):
            self.report.drop(kind, "description is a spec dump, not copy")
            return []
        checked = shown_verifier(product, part.shown, None).check_text(text, "description")
        self._count_claims(kind, checked.dropped)
        verified = split_sentences(checked.text)
        self.report.sentences_dropped[kind] += max(0, len(split_sentences(text)) - len(verified))
        kept = [s for s in verified if not _BOILERPLATE.search(s) and not _restates_name(s, product)]
        self.report.sentences_dropped[kind] += len(verified) - len(kept)
        target = _first_sentences(kept, *LIMITS[kind])
        if len(target.split()) < MIN_TARGET_WORDS:
            reason = "no sentence anchored in the shown facts" if not kept else "too little anchored text left"
            self.report.drop(kind, reason)
            return []
        if not says_the_same(target, part, shown_verifier(product, part.shown, None)):
            self.report.drop(kind, f"the human copy leaves out a fact the realized {kind} states")
            return []
        header = bullet_header(part.text) if kind == "bullet" else None
        target = f"{header}: {target}" if header else target
        self.report.sentences_kept[kind] += len(split_sentences(target))
        return [polish_example(product, part, messages, target, {
            "kind": kind, "split": split, "brand": self.brand, "channel": self.channel, "claims": len(checked.claims),
            "source": str(product.source) if product.source else None})]

    def _count_claims(self, kind: str, claims: Iterable) -> None:
        counts = self.report.dropped_claim_kinds[kind]
        for claim in claims:
            counts[claim.kind] = counts.get(claim.kind, 0) + 1


def polish_example(product: Product, part: PolishPart, messages: list[ChatMessage], target: str, meta: dict,
                   rejected: str | None = None) -> ChatExample:
    """One (polish prompt -> target) example; its meta says what the prompt showed, for `train rank`."""
    meta = {"sku": product.sku, "field": part.field, "part": part.label, "realized": part.text,
            "facts": [[f.name, f.value] for f in part.shown], "stated": [f.name for f in part.stated], **meta}
    prompt = [{"role": m.role, "content": m.content} for m in messages]
    return ChatExample(prompt=prompt, completion=target, rejected=rejected, meta=meta)


def says_the_same(text: str, part: PolishPart, verifier: GroundingVerifier) -> bool:
    """`text` states every fact `part` states: as the polish judges it (keeps_facts), and as the verifier that
    knows only the shown facts attributes it (by name; a paraphrase such as "needs no batteries" counts)."""
    said = {f.name for f in verifier.facts if f.id in set(verifier.check_text(text, part.field).fact_ids)}
    wanted = {f.name for f in part.stated if f.name != "Description"}  # the shown verifier has no description
    return keeps_facts(text, part.text, part.stated) and wanted <= said


def shown_product(product: Product, facts: list[Fact], source: str | None) -> Product:
    """The product as one prompt shows it: only the shown attributes, and the shown description."""
    names = {f.name for f in facts}
    return product.model_copy(update={
        "attributes": {k: v for k, v in product.attributes.items() if k in names},
        "description": source,
    })


def shown_verifier(product: Product, facts: list[Fact], source: str | None) -> GroundingVerifier:
    """A verifier that knows only what one prompt shows: copy learned from it can be grounded in the prompt."""
    shown = shown_product(product, facts, source)
    return GroundingVerifier(shown, facts_for(shown))


def _restates_name(sentence: str, product: Product) -> bool:
    """A sentence that only repeats the product's name (a common first line of human copy) teaches nothing."""
    name = set(_WORD.findall(f"{product.title} {product.brand or ''} {product.model or ''}".lower()))
    new = set(_WORD.findall(sentence.lower())) - name - _FILLER
    return len(new) < 2


def bullet_header(bullet: str) -> str | None:
    """"Size and Weight" of "Size and Weight: It weighs 200 g."; None for a bullet without a short header."""
    head, sep, _ = bullet.partition(": ")
    return head if sep and 0 < len(head.split()) <= 5 else None


def _first_sentences(kept: list[str], most: int = MAX_SENTENCES, most_words: int = MAX_TARGET_WORDS) -> str:
    chosen: list[str] = []
    words = 0
    for sentence in kept[:most]:
        n = len(sentence.split())
        if chosen and words + n > most_words:
            break
        if not chosen and n > most_words:
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

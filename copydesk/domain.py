"""Domain objects that cross layers. Small, typed, named for what they are."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, Field

Channel = Literal["generic", "amazon", "shopify"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SourceRef(BaseModel):
    """Where a record came from: a file and its 1-based row/line, for citations and error reports."""

    file: str
    row: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.row}" if self.row is not None else self.file


class RemovedText(BaseModel):
    """Catalog text kept out of a product's facts, and why (e.g. instructions addressed to a model).

    `kind` says which ingest step took it out: "instructions" withholds a whole field (retrieval/instructions.py;
    the default, so products stored before the other kinds existed still load); the others are cleaning
    (retrieval/cleaning): "markup" (HTML made plain text), "label" (a section heading such as "Product
    Description"), "boilerplate" (seller or marketplace text), "condition" (condition words for new goods),
    "repeat" (the same text a second time), "empty" (a placeholder such as "MISSING" in a field with no value).
    `rule` names the pattern that matched, so a wrong removal can be traced and reported.
    """

    field: str  # "description", "attribute 'Colour'", ...
    text: str
    reason: str
    kind: Literal["instructions", "markup", "label", "boilerplate", "condition", "repeat", "empty"] = "instructions"
    rule: str | None = None


class Product(BaseModel):
    """One catalog product. `attributes` maps readable names ("Screen size") to values as text ("27\"")."""

    sku: str
    title: str
    brand: str | None = None
    category: str | None = None
    model: str | None = None
    ean: list[str] = Field(default_factory=list)
    attributes: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    price: str | None = None
    source: SourceRef | None = None
    removed: list[RemovedText] = Field(default_factory=list)  # withheld from the facts at ingest

    @property
    def source_id(self) -> str:
        return f"product:{self.sku}"


class Fact(BaseModel):
    """One statement the catalog makes about a product, e.g. F3 "Colour: Black". Drafts cite fact ids."""

    id: str
    name: str
    value: str
    source_id: str

    def line(self) -> str:
        return f"{self.id}. {self.name}: {self.value}"


class VisualRules(BaseModel):
    """A brand's rules for images (from its style guide's front matter `visual:`)."""

    palette: list[str] = Field(default_factory=list)
    backgrounds: list[str] = Field(default_factory=list)
    lighting: str | None = None
    banned_elements: list[str] = Field(default_factory=list)
    negative_prompt: str | None = None
    lora: str | None = None
    lora_scale: float = 1.0


class BrandRules(BaseModel):
    """Structured rules from a style guide's YAML front matter. All optional: real guides have none."""

    banned_words: list[str] = Field(default_factory=list)
    required_phrases: list[str] = Field(default_factory=list)
    title_max_length: int | None = None
    bullet_count: int | None = None
    tone_words: list[str] = Field(default_factory=list)
    emoji: Literal["allow", "forbid"] = "forbid"
    capitalisation: Literal["title", "sentence", "as-is"] = "as-is"
    visual: VisualRules = Field(default_factory=VisualRules)


class StyleChunk(BaseModel):
    """A heading-sized piece of a style guide."""

    id: str
    brand: str
    heading: str
    text: str
    source: SourceRef

    @property
    def source_id(self) -> str:
        return f"style:{self.id}"


class StyleGuide(BaseModel):
    brand: str
    rules: BrandRules = Field(default_factory=BrandRules)
    chunks: list[StyleChunk] = Field(default_factory=list)


class ProductMatch(BaseModel):
    product: Product
    score: float
    matched_on: Literal["sku", "ean", "model", "title", "brand", "semantic"]


class Resolution(BaseModel):
    """The answer to "which product does this reference mean?"."""

    status: Literal["found", "ambiguous", "not_found"]
    query: str
    product: Product | None = None
    candidates: list[ProductMatch] = Field(default_factory=list)


class Claim(BaseModel):
    """A checkable statement found in generated copy, and the verifier's verdict on it."""

    text: str
    kind: Literal["number", "material", "colour", "certification", "compatibility", "brand", "model", "absolute", "sentence",
                  "contents", "field", "not_copy"]
    supported: bool
    fact_ids: list[str] = Field(default_factory=list)
    reason: str = ""
    field: str | None = None  # title, bullet, description, meta_description


class DraftScores(BaseModel):
    grounding: float = 0.0
    coverage: float = 0.0
    style: float = 0.0
    fluency: float = 0.0
    total: float = 0.0


class Draft(BaseModel):
    """A listing draft: one version of the copy for one product, brand and channel."""

    draft_id: str | None = None
    version: int = 1
    sku: str
    brand: str | None = None
    channel: Channel = "generic"
    title: str
    bullets: list[str] = Field(default_factory=list)
    description: str = ""
    meta_description: str | None = None
    facts_used: list[str] = Field(default_factory=list)
    dropped_claims: list[Claim] = Field(default_factory=list)
    violations: list[str] = Field(default_factory=list)
    repairs: list[str] = Field(default_factory=list)  # what the brand and channel rules changed, in words
    scores: DraftScores = Field(default_factory=DraftScores)
    origin: Literal["model", "template", "edit"] = "model"
    instruction: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)
    # How the version was realized (chains/drafting/realize) and its polish seeded: the same product, brand,
    # channel, voice, length and seed make the same realized draft again. None: stored before seeds were kept.
    seed: int | None = None
    voice: str | None = None
    length: Literal["short", "normal", "long"] = "normal"


class ImageJob(BaseModel):
    """A request for one product image."""

    sku: str | None = None
    prompt: str
    negative_prompt: str = ""
    width: int = 512
    height: int = 512
    steps: int = 4
    seed: int = 0
    guidance_scale: float | None = None
    init_image: bytes | None = None
    strength: float = 0.75
    lora: str | None = None
    lora_scale: float = 1.0


class ImageResult(BaseModel):
    png: bytes
    width: int
    height: int
    seed: int
    steps: int
    prompt: str
    negative_prompt: str
    mode: Literal["text2img", "img2img", "inpaint", "controlnet"]
    timings: dict[str, float] = Field(default_factory=dict)


class Feedback(BaseModel):
    """What a person did with a draft in Slack or the CLI; the raw material of fine-tuning."""

    draft_id: str
    version: int
    kind: Literal["approve", "edit", "regenerate", "thumbs_up", "thumbs_down"]
    user: str | None = None
    text: str | None = None  # the edited final copy, for kind="edit"
    excluded: str | None = None  # why it is kept out of training data (an edit with claims the catalog lacks)
    created_at: datetime = Field(default_factory=utcnow)

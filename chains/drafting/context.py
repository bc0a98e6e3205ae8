"""The types the drafting modules share (one small module, so that none of them imports another in a circle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from copydesk.domain import BrandRules, Claim, Draft, Fact, Product


@dataclass
class PartReport:
    label: str
    origin: Literal["model", "template"]  # "template": the realized text (no model) stands
    generated: int
    passed: int
    dropped_sentences: int

    def note(self) -> str:
        if self.origin == "template":
            return f"{self.label}: from the template (0 of {self.generated} model candidates passed verification)."
        if self.dropped_sentences:
            return f"{self.label}: {self.dropped_sentences} unsupported sentence(s) dropped from the candidates."
        return ""


@dataclass
class DraftResult:
    draft: Draft
    alternatives: list[Draft]
    product: Product
    facts: list[Fact]
    notes: list[str]
    parts: list[PartReport] = field(default_factory=list)  # per step: model or template, how many passed
    dropped: list[Claim] = field(default_factory=list)  # every claim dropped from any candidate


@dataclass
class Context:
    """Everything one draft of one product needs, gathered once."""

    product: Product
    facts: list[Fact]
    brand: str | None
    channel: Literal["generic", "amazon", "shopify"]
    rules: BrandRules
    voice: str  # the brand's tone words, for the model's prompts
    style: str
    realize_voice: str | None = None  # the realization voice (chains/drafting/realize); None: from the tone words
    seed: int = 0  # picks among the realizations of each pattern
    length: str = "normal"  # short | normal | long

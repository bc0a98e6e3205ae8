"""Copy written elsewhere (an agency, a marketplace) checked against a product's facts, sentence by sentence:
what `copydesk check` and "check:" in Slack answer. Unsupported claims are listed, never rewritten."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from chains.grounding.verifier import VERIFIER_VERSION, GroundingVerifier, SentenceCheck
from copydesk.domain import Fact, Product
from copydesk.errors import InputError

DRAFT_FIELDS = ("title", "bullets", "description", "meta_description")


@dataclass
class CopyCheck:
    product: Product
    facts: list[Fact]
    sentences: list[SentenceCheck] = field(default_factory=list)
    verifier_version: str = VERIFIER_VERSION

    @property
    def unsupported(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if not s.supported]

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def to_json(self) -> dict:
        def claim(c) -> dict:
            return {"text": c.text, "kind": c.kind, "supported": c.supported, "reason": c.reason or None,
                    "facts": [{"id": i, "fact": f"{f.name}: {f.value}"} for i in c.fact_ids if (f := self.fact(i))]}
        return {
            "sku": self.product.sku, "title": self.product.title, "verifier_version": self.verifier_version,
            "sentences_checked": len(self.sentences), "sentences_unsupported": len(self.unsupported),
            "sentences": [{"field": s.field, "sentence": s.sentence, "supported": s.supported,
                           "claims": [claim(c) for c in s.claims], "fact_ids": s.fact_ids} for s in self.sentences],
        }


def copy_parts(text: str) -> list[tuple[str, str]]:
    """(field, text) pairs: a JSON draft (`copydesk draft --json` output or {"title", "bullets", ...}) by its
    fields, anything else as one piece of copy."""
    stripped = text.strip()
    if not stripped:
        raise InputError("There is no copy to check.", hint="Pass the copy with --text, --file, or after `check:`.")
    if stripped.startswith("{"):
        try:
            draft = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise InputError(f"The copy looks like JSON but does not parse: {error}.",
                             hint="Pass a JSON draft with title/bullets/description, or plain text.") from error
        if not isinstance(draft, dict) or not any(draft.get(k) for k in DRAFT_FIELDS):
            raise InputError("The JSON has none of the fields title, bullets, description, meta_description.",
                             hint="Pass `copydesk draft --json` output, or plain text.")
        parts: list[tuple[str, str]] = []
        for name in DRAFT_FIELDS:
            value = draft.get(name)
            values = value if isinstance(value, list) else [value]
            parts += [("bullet" if name == "bullets" else name, str(v)) for v in values if v and str(v).strip()]
        return parts
    return [("copy", stripped)]


def check_copy(product: Product, facts: list[Fact], text: str) -> CopyCheck:
    verifier = GroundingVerifier(product, facts)
    result = CopyCheck(product, facts)
    for name, part in copy_parts(text):
        result.sentences += verifier.sentence_checks(part, name)
    return result

"""What the conversation engine answers: plain typed objects. Renderers turn them into Block Kit
(bot/slack/blocks.py) or terminal text (bot/engine/text.py); the engine never formats for a transport.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

from chains.grounding import CopyCheck
from copydesk.domain import Draft, Fact, Product, ProductMatch

# Button actions the renderers attach and the transports send back to `ConversationEngine.press`.
ACTION_REGENERATE = "copydesk_regenerate"
ACTION_SHORTER = "copydesk_shorter"
ACTION_VARIANT = "copydesk_variant"
ACTION_APPROVE = "copydesk_approve"
ACTION_IMAGE = "copydesk_image"
ACTION_PICK = "copydesk_pick"
ACTION_IMAGE_ANOTHER = "copydesk_image_another"
ACTION_IMAGE_VARIATION = "copydesk_image_variation"
ACTION_IMAGE_APPROVE = "copydesk_image_approve"
ACTION_BULK_APPROVE = "copydesk_bulk_approve"  # value: the bulk job id
ALL_ACTIONS = (ACTION_REGENERATE, ACTION_SHORTER, ACTION_VARIANT, ACTION_APPROVE, ACTION_IMAGE, ACTION_PICK,
               ACTION_IMAGE_ANOTHER, ACTION_IMAGE_VARIATION, ACTION_IMAGE_APPROVE, ACTION_BULK_APPROVE)


@dataclass
class DraftReply:
    """A draft (one version) with the facts it rests on and what the verifier removed."""

    draft: Draft
    product: Product
    facts: list[Fact]
    notes: list[str] = field(default_factory=list)
    heading: str = ""  # e.g. "Draft v2 (shorter)"
    alternatives_left: int = 0
    status: str = ""  # while it is being polished: "Polishing with the language model… 2 of 6 parts"


@dataclass
class ChoiceReply:
    """A reference matched several products (or none exactly): buttons to pick one."""

    message: str
    candidates: list[ProductMatch]
    then: Literal["draft", "image"] = "draft"


@dataclass
class FactsReply:
    product: Product
    facts: list[Fact]


@dataclass
class CheckReply:
    """Pasted copy checked against the product's facts ("check: ..."): every sentence's verdict, nothing rewritten."""

    check: CopyCheck


@dataclass
class ImageReply:
    png: bytes
    filename: str
    alt_text: str
    prompt: str
    negative_prompt: str
    seed: int
    steps: int
    width: int
    height: int
    sku: str
    mode: str
    seconds: float | None = None


@dataclass
class ExportReply:
    path: Path
    count: int
    fmt: str


@dataclass
class BulkReply:
    """A bulk job was made: how many products and about how long. The transport then runs it in slices
    (`ConversationEngine.bulk_step`) and keeps one progress message updated."""

    job_id: str
    products: int
    failed: int  # references the catalog lacks, known before any drafting
    estimate_s: float
    description: str  # "category “Model Trains”", "34 listed product(s)"


@dataclass
class BulkDoneReply:
    """A bulk job ended (all done, or cancelled): the result file, and what is ready to approve."""

    job_id: str
    path: Path
    total: int
    drafted: int
    clean: int
    failed: int
    cancelled: bool
    problems: list[str] = field(default_factory=list)  # the first few failures and drafts to review, with why


@dataclass
class InfoReply:
    """Plain information: help, brands, confirmations ("Approved v2"), queue position."""

    text: str
    title: str | None = None


@dataclass
class ErrorReply:
    """Every failure a person sees: what went wrong, what to do, and a reference id that is in the log."""

    message: str
    ref: str
    hint: str | None = None
    internal: bool = False  # a bug rather than a problem with the request


Reply = Union[DraftReply, ChoiceReply, FactsReply, CheckReply, ImageReply, ExportReply, BulkReply, BulkDoneReply,
              InfoReply, ErrorReply]

"""Drafting: a resolved product -> realized, verified, ranked listing drafts, and refinements of them.
Other packages import from here, not from its modules."""

from chains.drafting.chain import CopyChain
from chains.drafting.key_facts import key_facts
from chains.drafting.ranker import score_draft
from chains.drafting.refine import refine_draft
from chains.drafting.steps import Steps, StepOutcome, Timer, allowed_numbers, clean, cut_value, fact_lines
from chains.drafting.template import template_draft
from chains.drafting.realize import realize_draft, voice_for
from chains.drafting.context import Context, DraftResult, PartReport

__all__ = [
    "Context", "CopyChain", "DraftResult", "PartReport", "StepOutcome", "Steps", "Timer", "allowed_numbers", "clean",
    "cut_value", "fact_lines", "key_facts", "realize_draft", "refine_draft", "score_draft", "template_draft", "voice_for",
]

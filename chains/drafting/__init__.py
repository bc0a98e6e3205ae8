"""Drafting: a resolved product -> realized, verified, ranked listing drafts, and refinements of them.
Other packages import from here, not from its modules."""

from chains.drafting.chain import CopyChain
from chains.drafting.key_facts import key_facts
from chains.drafting.polish import PolishPart, keeps_facts, keeps_header, split_header, under_realized_header
from chains.drafting.ranker import score_draft
from chains.drafting.refine import refine_draft
from chains.drafting.steps import (
    Candidate, StepOutcome, Steps, Timer, accept, allowed_numbers, clean, cut_value, fact_lines, rewrite_tokens,
    without_unfinished_sentence,
)
from chains.drafting.template import template_draft
from chains.drafting.realize import realize_draft, voice_for
from chains.drafting.context import Context, DraftResult, PartReport
from chains.drafting.variants import word_change

__all__ = [
    "Candidate", "Context", "CopyChain", "DraftResult", "PartReport", "PolishPart", "StepOutcome", "Steps", "Timer",
    "accept", "allowed_numbers", "clean", "cut_value", "fact_lines", "keeps_facts", "keeps_header", "key_facts", "realize_draft",
    "refine_draft", "rewrite_tokens", "score_draft", "split_header", "template_draft", "under_realized_header", "voice_for", "without_unfinished_sentence",
    "word_change",
]

"""Evaluation of drafts against baselines and human copy, and of the verifier against the hand-labelled
claim set; and their reports."""

from chains.evaluation.copy_quality import (
    bare_label_line, bare_numbers, bullets_without_fact, category_of, description_sentences, distinct_2_within_category,
    draft_text, fact_free_sentences, judge_copy, key_fact_covered, spec_sentence, summarise_copy,
)
from chains.evaluation.labelled import LABELLED_SET, RESULT_FILE, measure_labelled

__all__ = ["LABELLED_SET", "RESULT_FILE", "bare_label_line", "bare_numbers", "bullets_without_fact", "category_of",
           "description_sentences", "distinct_2_within_category", "draft_text", "fact_free_sentences", "judge_copy",
           "key_fact_covered", "measure_labelled", "spec_sentence", "summarise_copy"]

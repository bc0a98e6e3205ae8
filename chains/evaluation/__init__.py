"""Evaluation of drafts against baselines and human copy, and of the verifier against the hand-labelled
claim set; and their reports."""

from chains.evaluation.labelled import LABELLED_SET, RESULT_FILE, measure_labelled

__all__ = ["LABELLED_SET", "RESULT_FILE", "measure_labelled"]

"""Evaluation of drafts against baselines and human copy, and its reports."""

"""Bulk drafting: a selection of products (a category, a file of SKUs, a search query) -> a first draft of
each (polished on request), one row per product (with its reason when it failed), resumable, written as
CSV, JSONL, a Shopify product CSV or an Amazon flat file. Other packages import from here."""

from chains.bulk.files import OUTPUT_KINDS, Written, output_kind, status, write_results
from chains.bulk.run import (
    BulkProgress, BulkRun, ItemResult, check_options, estimate_s, is_clean, job_results, prepare, slice_limit,
)
from chains.bulk.selection import Pick, Selection, read_references, select

__all__ = [
    "OUTPUT_KINDS", "BulkProgress", "BulkRun", "ItemResult", "Pick", "Selection", "Written", "check_options",
    "estimate_s", "is_clean", "job_results", "output_kind", "prepare", "read_references", "select", "slice_limit",
    "status", "write_results",
]

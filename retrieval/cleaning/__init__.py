"""Cleaning catalog text at ingest: HTML made plain text, section labels and seller or marketplace
boilerplate taken out by rules kept as data (rules.yaml), and every removal recorded on the product."""

from retrieval.cleaning.clean import clean_product, clean_products, clean_text, rules
from retrieval.cleaning.markup import html_to_text

__all__ = ["clean_product", "clean_products", "clean_text", "html_to_text", "rules"]

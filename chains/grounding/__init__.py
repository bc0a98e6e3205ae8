"""The grounding verifier: finds the factual claims in copy and checks each against the product's facts
(numbers and units, colours, materials, names, absolutes), and tells them from marketing language; `check_copy`
reports on copy written elsewhere. Other packages import from here, not from its modules."""

from chains.grounding.check import CopyCheck, check_copy, copy_parts
from chains.grounding.fact_index import fact_order
from chains.grounding.sentences import split_sentences
from chains.grounding.units import find_quantities, implied_dimension, same_quantity, unit_table
from chains.grounding.verifier import (
    VERIFIER_VERSION, CheckedText, GroundingVerifier, SentenceCheck, title_rejected,
)
from chains.grounding.vocabulary import colours, generic_words, group_of, stem, stems_of, stopwords, words

__all__ = [
    "CopyCheck", "check_copy", "copy_parts", "VERIFIER_VERSION", "CheckedText", "GroundingVerifier", "SentenceCheck", "colours", "fact_order", "find_quantities", "generic_words", "group_of", "implied_dimension",
    "same_quantity", "split_sentences", "stem", "stems_of", "stopwords", "title_rejected", "unit_table", "words",
]

"""The text model: chat in, grounded candidates out (see base.TextGenerator).

Importing this package is cheap; torch and transformers load with the first model.
"""

from generators.text.base import ChatMessage, Generation, OnText, TextGenerator
from generators.text.factory import load_text_generator
from generators.text.number_trie import numbers_in

__all__ = ["ChatMessage", "Generation", "OnText", "TextGenerator", "load_text_generator", "numbers_in"]

"""Supervised fine-tuning of the text model with LoRA (peft).

The data format is generic chat JSONL (see ``examples.py``): a prompt (chat
messages) and a completion, so nothing here knows about products or chains.
Entry points: ``train_sft(config)`` and ``python -m generators.training`` (for
machines that only have torch, transformers and peft, e.g. a lent GPU).
"""

from generators.training.config import SFTConfig
from generators.training.examples import ChatExample, read_examples, write_examples
from generators.training.sft import SFTReport, train_sft

__all__ = ["ChatExample", "SFTConfig", "SFTReport", "read_examples", "train_sft", "write_examples"]

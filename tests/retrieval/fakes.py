"""A tiny deterministic stand-in for the sentence-transformers Embedder (tests hand in tiny pieces).

Words are hashed into 64 buckets and the vector normalised: texts that share words are similar, which
is all the bad-input and bookkeeping tests need. Tests of retrieval quality use the real model.
"""

from __future__ import annotations

import hashlib
import math
import re


class HashEmbedder:
    name = "test:hash"
    batch_size = 64
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[int] = []  # number of texts per embed() call, to check what was (not) embedded

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [self._vector(t) for t in texts]

    def embed_one(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in re.findall(r"\w+", text.lower()) or ["empty"]:
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vector))
        return [v / norm for v in vector]

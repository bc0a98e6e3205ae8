from __future__ import annotations

import math

import pytest

from copydesk.errors import ConfigError
from copydesk.settings import Settings
from retrieval.embeddings import Embedder, model_folder


def test_builtin_model_embeds_offline(real_embedder: Embedder) -> None:
    import torch

    threads = torch.get_num_threads()
    assert real_embedder.dimension == 384
    monitor, screen, kettle = real_embedder.embed(["27 inch monitor", "27-inch computer display", "electric kettle"])
    assert math.isclose(sum(v * v for v in monitor), 1.0, rel_tol=1e-4)  # normalised: cosine == dot product
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))  # noqa: E731
    assert dot(monitor, screen) > dot(monitor, kettle)
    assert torch.get_num_threads() == threads  # the one-thread query path restores the thread count
    assert Embedder.from_settings(Settings(_env_file=None)) is real_embedder  # one instance per process


def test_unknown_model_setting_says_what_to_set(tmp_path) -> None:
    with pytest.raises(ConfigError, match="COPYDESK_EMBEDDING_MODEL"):
        model_folder(str(tmp_path / "no-such-model"))

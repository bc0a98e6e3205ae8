"""A model's safety checker is obeyed: a flagged image is never delivered (no blacked-out stand-in)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PIL import Image

from copydesk.domain import ImageJob
from copydesk.errors import UnsupportedRequestError
from generators.images.device import Placement
from generators.images.pipeline import ImageGenerator


class FlaggingPipeline:
    """Stands in for a diffusers pipeline whose safety checker flags the prompts containing 'flag'."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, **arguments):
        self.calls.append(arguments)
        prompts = arguments["prompt"]
        return SimpleNamespace(images=[Image.new("RGB", (64, 64)) for _ in prompts],
                               nsfw_content_detected=["flag" in p for p in prompts])


def test_a_flagged_image_is_an_error_for_its_job_only():
    import torch

    pipe = FlaggingPipeline()
    generator = ImageGenerator(pipe, placement=Placement("cpu", torch.float32, False, False))
    with pytest.raises(UnsupportedRequestError, match="safety checker"):
        generator.generate(ImageJob(prompt="flag me", width=64, height=64, steps=2, seed=1))
    fine = generator.generate(ImageJob(prompt="a mug", width=64, height=64, steps=2, seed=1, guidance_scale=0.0))
    assert fine.png.startswith(b"\x89PNG")
    assert pipe.calls[-1]["guidance_scale"] == 0.0 and pipe.calls[-1]["num_inference_steps"] == 2

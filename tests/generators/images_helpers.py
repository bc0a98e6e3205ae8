"""Photos for image tests, made in code: a product on a plain backdrop, a cut-out, a busy photo."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def packshot(size: int = 64) -> Image.Image:
    """A red box on a white backdrop, the usual product photo."""
    pixels = np.full((size, size, 3), 255, np.uint8)
    pixels[size // 4 : 3 * size // 4, size // 3 : 2 * size // 3] = (200, 30, 30)
    return Image.fromarray(pixels)


def cutout(size: int = 64) -> Image.Image:
    """A blue box on a transparent background (a PNG with alpha)."""
    pixels = np.zeros((size, size, 4), np.uint8)
    pixels[size // 4 : 3 * size // 4, size // 4 : 3 * size // 4] = (30, 30, 200, 255)
    return Image.fromarray(pixels)


def busy_photo(size: int = 64, seed: int = 0) -> Image.Image:
    """Noise everywhere: no backdrop to separate."""
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8))

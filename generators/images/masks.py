"""Where the product is in an uploaded photo, and its edges for ControlNet.

Inpainting masks follow diffusers' convention: white (255) = repaint (the background),
black (0) = keep (the product).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

# A mask that keeps almost nothing or almost everything is no use for "same product, new scene".
_MIN_FRACTION = 0.02
_MAX_FRACTION = 0.95
# Colour distance (0..441 in RGB) under which a pixel counts as the photo's backdrop colour.
_BACKDROP_DISTANCE = 40.0


def product_mask(image: Image.Image) -> Image.Image | None:
    """The background as a white mask, or None when no product/background split can be found.

    A transparent PNG's alpha channel is the cut-out. Otherwise the product is assumed to stand
    on a plain backdrop (the usual packshot): pixels close to the median border colour are
    background. A photo with a busy background gives None and is used for plain image-to-image.
    """
    rgba = np.asarray(image.convert("RGBA"))
    alpha = rgba[..., 3]
    if alpha.min() < 250:
        background = alpha < 128
    else:
        rgb = rgba[..., :3].astype(np.float32)
        border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
        backdrop = np.median(border, axis=0)
        if np.linalg.norm(border - backdrop, axis=1).mean() > _BACKDROP_DISTANCE:
            return None  # the border itself is busy: no plain backdrop to separate
        background = np.linalg.norm(rgb - backdrop, axis=2) < _BACKDROP_DISTANCE
    mask = background.astype(np.uint8) * 255
    # Close pinholes and grow the keep-region a little so the product's rim is not repainted.
    kernel = np.ones((5, 5), np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    mask = cv2.erode(mask, kernel, iterations=1)
    kept = 1.0 - float((mask > 127).mean())
    if not _MIN_FRACTION <= kept <= _MAX_FRACTION:
        return None
    return Image.fromarray(mask)


def canny_edges(image: Image.Image, low: int = 100, high: int = 200) -> Image.Image:
    """Canny edges as a 3-channel image, the control input of a Canny ControlNet."""
    gray = cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(gray, low, high)
    return Image.fromarray(np.stack([edges] * 3, axis=-1))


def flatten(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """RGB version of an RGBA upload, transparent areas filled with `background`."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    canvas = Image.new("RGB", image.size, background)
    canvas.paste(image, mask=image.getchannel("A"))
    return canvas

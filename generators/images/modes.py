"""Turn an ImageJob into what a pipeline call needs: its mode and its decoded, sized inputs.

text2img   no photo
inpaint    a photo whose product can be separated (alpha channel or plain backdrop): the
           background is repainted, the product's pixels are kept
img2img    a photo with a busy background: the whole picture is re-imagined, guided by it
controlnet a photo and a configured ControlNet: its Canny edges hold the product's shape
           (inpainting as well when a mask was found)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageOps

from copydesk.domain import ImageJob
from copydesk.errors import InputError
from generators.images.masks import canny_edges, flatten, product_mask
from generators.images.uploads import decode_upload

Mode = Literal["text2img", "img2img", "inpaint", "controlnet"]


@dataclass(frozen=True)
class PreparedJob:
    job: ImageJob
    mode: Mode
    init: Image.Image | None = None
    mask: Image.Image | None = None  # white = repaint
    control: Image.Image | None = None

    def batch_key(self) -> tuple:
        """Jobs with equal keys can share one pipeline call (a batch)."""
        job = self.job
        return (self.mode, self.mask is not None, job.width, job.height, job.steps, job.guidance_scale,
                job.strength if self.init is not None else None, job.lora, job.lora_scale)


def prepare(job: ImageJob, *, controlnet: bool, max_bytes: int, max_pixels: int) -> PreparedJob:
    """Decode and size the job's photo (if any) and pick the mode. Raises InputError for bad photos."""
    if job.init_image is None:
        return PreparedJob(job, "text2img")
    if int(job.steps * job.strength) < 1:
        raise InputError(
            f"With a photo, {job.steps} step(s) at strength {job.strength} leave no denoising step.",
            hint=f"Ask for at least {int(1 / job.strength) + 1} steps.",
        )
    photo = decode_upload(job.init_image, max_bytes=max_bytes, max_pixels=max_pixels)
    mask = product_mask(photo)
    size = (job.width, job.height)
    # Pad rather than crop or stretch: the product must stay whole and undistorted.
    init = ImageOps.pad(flatten(photo), size, color=(255, 255, 255))
    if mask is not None:
        mask = ImageOps.pad(mask, size, color=255)  # the padding is background too
    control = canny_edges(init) if controlnet else None
    mode: Mode = "controlnet" if controlnet else ("inpaint" if mask is not None else "img2img")
    return PreparedJob(job, mode, init=init, mask=mask, control=control)

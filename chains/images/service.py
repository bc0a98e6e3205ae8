"""Image service: a resolved product + a scene (+ a photo) -> a checked, reproducible product image.

Every limit is checked before any model work, and an uploaded photo's size and type before it is
decoded. The image generator is created only when the request is valid and the model configured.

    service = ImageService(catalog, services.image_generator, text_generator, settings)
    outcome = service.create(catalog.product("SKU-123"), scene="on a marble counter", on_step=lambda k, n: ...)
    outcome.result.png, outcome.result.seed, outcome.prompt.prompt, outcome.product.title
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chains.images.prompt import ImagePrompt, build_image_prompt
from copydesk.domain import ImageJob, ImageResult, Product, VisualRules
from copydesk.errors import InputError
from copydesk.settings import Settings
from generators.images.pipeline import require_image_model
from generators.images.uploads import check_upload
from retrieval.facts import facts_for

if TYPE_CHECKING:
    from generators.images.pipeline import ImageGenerator
    from generators.text.base import TextGenerator
    from retrieval.catalog import Catalog

_SIZE = re.compile(r"^\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*$")
MAX_SEED = 2**32 - 1


@dataclass
class ImageOutcome:
    result: ImageResult
    product: Product
    prompt: ImagePrompt


class ImageService:
    def __init__(
        self,
        catalog: Catalog,
        image_generator_factory: Callable[[], ImageGenerator],
        text_generator: TextGenerator | None,
        settings: Settings,
    ) -> None:
        self.catalog = catalog
        self.image_generator_factory = image_generator_factory
        self.text_generator = text_generator
        self.settings = settings

    def create(
        self,
        product: Product,
        *,
        scene: str = "",
        brand: str | None = None,
        seed: int | None = None,
        steps: int | None = None,
        size: str | None = None,
        init_image: bytes | None = None,
        on_step: Callable[[int, int], None] | None = None,
    ) -> ImageOutcome:
        """Make one image. Raises InputError (bad limits/photo), ConfigError (no model), NotFoundError /
        AmbiguousError (product or brand), UnsupportedRequestError (banned element), QueueFullError."""
        started = time.perf_counter()
        s = self.settings
        scene = " ".join(scene.split())
        if len(scene) > s.image_max_prompt_chars:
            raise InputError(
                f"The scene description is {len(scene)} characters; the limit is {s.image_max_prompt_chars}.",
                hint="Describe the scene in fewer words.",
            )
        width, height = parse_size(size or s.image_default_size, max_pixels=s.image_max_pixels)
        steps = check_steps(steps if steps is not None else s.image_default_steps, s.image_max_steps)
        seed = check_seed(seed) if seed is not None else secrets.randbelow(MAX_SEED + 1)
        if init_image is not None:
            check_upload(init_image, max_bytes=s.upload_max_bytes)
        require_image_model(s)

        visual = self.visual_rules(brand or s.default_brand)
        resolved = time.perf_counter()
        prompt = build_image_prompt(product, facts_for(product), visual, scene, self.text_generator, seed=seed)
        prompted = time.perf_counter()
        generator = self.image_generator_factory()  # loads the pipeline on first use
        loaded = time.perf_counter()
        job = ImageJob(
            sku=product.sku, prompt=prompt.prompt, negative_prompt=prompt.negative_prompt, width=width,
            height=height, steps=steps, seed=seed, guidance_scale=s.image_guidance_scale,
            init_image=init_image, lora=visual.lora, lora_scale=visual.lora_scale,
        )
        result = generator.generate(job, on_step=on_step)
        result.timings.update(
            resolve_s=round(resolved - started, 4),
            prompt_s=round(prompted - resolved, 4),
            load_s=round(loaded - prompted, 4),
            total_s=round(time.perf_counter() - started, 4),
        )
        return ImageOutcome(result=result, product=product, prompt=prompt)

    def visual_rules(self, brand: str | None) -> VisualRules:
        """The brand's image rules; no brand means no brand rules (plain product photography)."""
        if not brand:
            return VisualRules()
        return self.catalog.style_guide(brand).rules.visual  # NotFoundError names the known brands


def parse_size(text: str, *, max_pixels: int) -> tuple[int, int]:
    """'768x512' -> (768, 512); both sides multiples of 8 and at least 64, W*H at most max_pixels."""
    match = _SIZE.match(text)
    if not match:
        raise InputError(f"{text!r} is not an image size.", hint="Write the size as WIDTHxHEIGHT, e.g. 512x512.")
    width, height = int(match.group(1)), int(match.group(2))
    if width % 8 or height % 8 or width < 64 or height < 64:
        raise InputError(
            f"The size {width}x{height} cannot be used: both sides must be multiples of 8 and at least 64.",
            hint=f"Try {max(64, width // 8 * 8)}x{max(64, height // 8 * 8)}.",
        )
    if width * height > max_pixels:
        raise InputError(
            f"The size {width}x{height} is {width * height:,} pixels; the limit is {max_pixels:,}.",
            hint="Ask for a smaller image, e.g. 512x512 (or raise COPYDESK_IMAGE_MAX_PIXELS).",
        )
    return width, height


def check_steps(steps: int, max_steps: int) -> int:
    if not 1 <= steps <= max_steps:
        raise InputError(f"{steps} steps cannot be used; the range is 1 to {max_steps}.",
                         hint="Turbo models need 1-4 steps, SD 1.5 about 25 (or raise COPYDESK_IMAGE_MAX_STEPS).")
    return steps


def check_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"The seed {seed} is out of range.", hint=f"Use a whole number from 0 to {MAX_SEED}.")
    return seed

"""The image generator: one diffusers pipeline per process behind a device job queue.

    generator = load_image_generator(settings)       # ConfigError when COPYDESK_IMAGE_MODEL is unset
    result = generator.generate(job, on_step=lambda k, n: ...)   # blocks; jobs from many threads batch

The text-to-image pipeline is loaded with `AutoPipelineForText2Image.from_pretrained`; the
image-to-image, inpainting and ControlNet pipelines are derived from it with `from_pipe`, which
shares its modules, so every mode costs one model's memory.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from copydesk.domain import ImageJob, ImageResult
from copydesk.errors import ConfigError, ModelError, UnsupportedRequestError
from copydesk.settings import Settings
from generators.images.device import Placement, apply_placement, pick_placement
from generators.images.modes import Mode, PreparedJob, prepare
from generators.images.job_queue import JobQueue, StepCallback, Ticket

log = logging.getLogger(__name__)

NO_MODEL_HINT = (
    "Set COPYDESK_IMAGE_MODEL to a diffusers text-to-image model: a Hugging Face id already in the local "
    "cache or a local folder. On a GPU: COPYDESK_IMAGE_MODEL=stabilityai/sd-turbo (or stabilityai/sdxl-turbo) "
    "with COPYDESK_IMAGE_DEFAULT_STEPS=2 and COPYDESK_IMAGE_GUIDANCE_SCALE=0. On a CPU: an SD 1.5-class model, "
    "e.g. COPYDESK_IMAGE_MODEL=stable-diffusion-v1-5/stable-diffusion-v1-5 (expect about a minute per image). "
    "Optionally COPYDESK_CONTROLNET_MODEL=lllyasviel/sd-controlnet-canny for uploaded photos."
)


def require_image_model(settings: Settings) -> str:
    """The configured model, or a ConfigError that says how to configure one."""
    if not settings.image_model:
        raise ConfigError("No image model is configured, so copydesk cannot make images.", hint=NO_MODEL_HINT)
    return settings.image_model


class ImageGenerator:
    """Runs ImageJobs on one loaded pipeline. Thread-safe: `generate` may be called from many threads."""

    def __init__(
        self,
        pipeline: Any,
        *,
        placement: Placement,
        controlnet: Any | None = None,
        model_name: str = "",
        max_bytes: int = 10 * 1024 * 1024,
        max_pixels: int = 1024 * 1024,
        queue_size: int = 16,
        max_batch: int = 4,
    ) -> None:
        self.base = pipeline
        self.placement = placement
        self.controlnet = controlnet
        self.model_name = model_name
        self._max_bytes = max_bytes
        self._max_pixels = max_pixels
        self._pipes: dict[tuple[str, bool], Any] = {}
        self._loras: dict[str, str] = {}  # LoRA path -> adapter name
        self._lock = threading.Lock()  # the device runs one batch at a time, also outside the queue
        self.queue: JobQueue[PreparedJob] = JobQueue(self.run_batch, max_size=queue_size, max_batch=max_batch)

    @classmethod
    def from_pretrained(
        cls, model: str, *, controlnet_model: str | None = None, device: str | None = None, **options: Any
    ) -> ImageGenerator:
        """Load `model` (and a ControlNet) the way users' models load: diffusers' from_pretrained."""
        from diffusers import AutoPipelineForText2Image, ControlNetModel

        placement = pick_placement(device)
        pipeline = _load(AutoPipelineForText2Image, model, placement, "image model")
        controlnet = _load(ControlNetModel, controlnet_model, placement, "ControlNet") if controlnet_model else None
        apply_placement(pipeline, placement)
        if controlnet is not None:
            controlnet.to(placement.device)
        log.info("image model %s loaded on %s", model, placement.describe())
        return cls(pipeline, placement=placement, controlnet=controlnet, model_name=model, **options)

    # --- the public calls -------------------------------------------------------------------
    def prepare(self, job: ImageJob) -> PreparedJob:
        """Validate and decode the job's inputs now, in the caller's thread (InputError for bad photos)."""
        return prepare(job, controlnet=self.controlnet is not None, max_bytes=self._max_bytes, max_pixels=self._max_pixels)

    def submit(self, job: ImageJob, on_step: StepCallback | None = None):
        """Queue a job; returns a Future of its ImageResult. QueueFullError when the queue is full."""
        prepared = self.prepare(job)
        return self.queue.submit(prepared, prepared.batch_key(), on_step)

    def generate(self, job: ImageJob, on_step: StepCallback | None = None) -> ImageResult:
        """Run one job through the queue and wait for it. on_step(k, N) after each denoising step."""
        return self.submit(job, on_step).result()

    # --- running a batch on the device -----------------------------------------------------------
    def run_batch(self, tickets: Sequence[Ticket[PreparedJob]]) -> list[ImageResult | BaseException]:
        """One pipeline call for compatible jobs (equal batch keys); a result or an error per job."""
        jobs = [t.item for t in tickets]
        first = jobs[0]
        with self._lock:
            pipe = self._pipeline_for(first.mode, first.mask is not None)
            self._use_lora(first.job.lora, first.job.lora_scale)
            callbacks = [t.on_step for t in tickets if t.on_step is not None]
            started = time.perf_counter()
            output = pipe(**self._call_arguments(jobs, callbacks))
            generated = time.perf_counter() - started
        flagged = getattr(output, "nsfw_content_detected", None) or [False] * len(jobs)
        results: list[ImageResult | BaseException] = []
        for ticket, image, nsfw in zip(tickets, output.images, flagged, strict=True):
            if nsfw:
                results.append(UnsupportedRequestError(
                    "The model's safety checker flagged this image, so it is not shown.",
                    hint="Describe a different scene and try again.",
                ))
                continue
            prepared = ticket.item
            if prepared.mask is not None:
                # Paste the photo's product pixels back: the VAE round trip blurs labels and edges.
                image = Image.composite(image, prepared.init, prepared.mask)
            results.append(self._result(ticket, image, started, generated, len(jobs)))
        return results

    def _call_arguments(self, jobs: list[PreparedJob], callbacks: list[StepCallback]) -> dict[str, Any]:
        job = jobs[0].job
        arguments: dict[str, Any] = {
            "prompt": [p.job.prompt for p in jobs],
            "negative_prompt": [p.job.negative_prompt for p in jobs],
            "num_inference_steps": job.steps,
            # A CPU generator per job: the same seed gives the same image on any device and in any batch.
            "generator": [torch.Generator("cpu").manual_seed(p.job.seed) for p in jobs],
            "output_type": "pil",
        }
        if job.guidance_scale is not None:
            arguments["guidance_scale"] = job.guidance_scale
        if callbacks:
            arguments["callback_on_step_end"] = _progress(callbacks)
        first = jobs[0]
        if first.init is None:
            arguments.update(width=job.width, height=job.height)
            return arguments
        arguments.update(image=[p.init for p in jobs], strength=job.strength)
        if first.mask is not None:
            arguments.update(mask_image=[p.mask for p in jobs], width=job.width, height=job.height)
        if first.control is not None:
            arguments["control_image"] = [p.control for p in jobs]
        return arguments

    def _pipeline_for(self, mode: Mode, masked: bool) -> Any:
        """The pipeline for a mode, derived once from the base with from_pipe (shared modules)."""
        if mode == "text2img":
            return self.base
        key = (mode, masked)
        if key not in self._pipes:
            from diffusers import AutoPipelineForImage2Image, AutoPipelineForInpainting

            family = AutoPipelineForInpainting if masked else AutoPipelineForImage2Image
            extra = {"controlnet": self.controlnet} if mode == "controlnet" else {}
            pipe = family.from_pipe(self.base, **extra)
            pipe.set_progress_bar_config(disable=True)
            self._pipes[key] = pipe
        return self._pipes[key]

    def _use_lora(self, path: str | None, scale: float) -> None:
        """Activate the brand's LoRA (loaded once per path) or switch LoRAs off for brands without one."""
        if path is None:
            if self._loras:
                self.base.disable_lora()
            return
        if path not in self._loras:
            name = f"brand{len(self._loras)}"
            try:
                self.base.load_lora_weights(path, adapter_name=name)
            except (OSError, ValueError) as error:
                raise ModelError(
                    f"The brand's LoRA adapter could not be loaded from {path}: {error}",
                    hint="Fix `visual.lora` in the brand's style guide front matter (a local folder or file).",
                ) from error
            self._loras[path] = name
        self.base.enable_lora()
        self.base.set_adapters([self._loras[path]], adapter_weights=[scale])

    def _result(self, ticket: Ticket[PreparedJob], image: Any, batch_started: float, generated: float, batch: int) -> ImageResult:
        job, mode = ticket.item.job, ticket.item.mode
        started = time.perf_counter()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=4)  # level 4: near-best size at a third of level 9's time
        encoded = time.perf_counter() - started
        return ImageResult(
            png=buffer.getvalue(),
            width=image.width,
            height=image.height,
            seed=job.seed,
            steps=job.steps,
            prompt=job.prompt,
            negative_prompt=job.negative_prompt,
            mode=mode,
            timings={
                "queue_wait_s": round(max(0.0, batch_started - ticket.enqueued_at), 4),
                "generate_s": round(generated, 4),
                "encode_png_s": round(encoded, 4),
                "batch_size": float(batch),
            },
        )


def _load(loader: Any, name: str, placement: Placement, what: str) -> Any:
    """loader.from_pretrained(name) in the placement's dtype; ModelError naming what failed and where."""
    try:
        return loader.from_pretrained(name, dtype=placement.dtype)
    except (OSError, ValueError) as error:
        local = Path(name).expanduser()
        where = f"the folder {local}" if local.exists() else f"{name!r} (is it in the local Hugging Face cache? downloads are off)"
        raise ModelError(f"The {what} could not be loaded from {where}: {error}", hint=NO_MODEL_HINT) from error


def _progress(callbacks: list[StepCallback]) -> Callable[..., dict]:
    """diffusers' callback_on_step_end, reporting (step k, of N) to every job in the batch."""

    def on_step_end(pipe: Any, step: int, timestep: Any, callback_kwargs: dict) -> dict:
        total = int(getattr(pipe, "num_timesteps", 0) or 0)
        for callback in callbacks:
            try:
                callback(step + 1, total)
            except Exception:  # a broken progress display must not kill the image
                log.exception("progress callback failed")
        return callback_kwargs

    return on_step_end


# --- one generator per process -------------------------------------------------------------------
_loaded: dict[tuple, ImageGenerator] = {}
_loading = threading.Lock()


def load_image_generator(settings: Settings) -> ImageGenerator:
    """The process's image generator for these settings (loaded on first use, then reused)."""
    model = require_image_model(settings)
    key = (model, settings.controlnet_model, settings.upload_max_bytes, settings.image_max_pixels,
           settings.image_queue_size, settings.image_max_batch)
    with _loading:
        if key not in _loaded:
            _loaded[key] = ImageGenerator.from_pretrained(
                model,
                controlnet_model=settings.controlnet_model,
                max_bytes=settings.upload_max_bytes,
                max_pixels=settings.image_max_pixels,
                queue_size=settings.image_queue_size,
                max_batch=settings.image_max_batch,
            )
        return _loaded[key]

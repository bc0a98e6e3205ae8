"""The image generator on a tiny random Stable Diffusion pipeline, loaded through from_pretrained."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from copydesk.domain import ImageJob
from copydesk.errors import ConfigError, InputError, ModelError
from copydesk.settings import Settings
from generators.images.pipeline import ImageGenerator, load_image_generator
from tests.fixtures.tiny_sd import tiny_controlnet_dir, tiny_sd_dir  # noqa: F401  (fixtures)
from tests.generators.images_helpers import busy_photo, cutout, encode, packshot


@pytest.fixture(scope="module")
def generator(tiny_sd_dir) -> ImageGenerator:  # noqa: F811
    return ImageGenerator.from_pretrained(str(tiny_sd_dir))


@pytest.fixture(scope="module")
def controlnet_generator(tiny_sd_dir, tiny_controlnet_dir) -> ImageGenerator:  # noqa: F811
    return ImageGenerator.from_pretrained(str(tiny_sd_dir), controlnet_model=str(tiny_controlnet_dir))


def job(**changes) -> ImageJob:
    values = dict(prompt="a red mug on a wooden desk", negative_prompt="blurry", width=64, height=64, steps=2, seed=7)
    return ImageJob(**(values | changes))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_text_to_image_writes_a_png_of_the_asked_size_and_reports_progress(generator):
    steps: list[tuple[int, int]] = []
    result = generator.generate(job(width=64, height=96), on_step=lambda k, n: steps.append((k, n)))
    image = Image.open(io.BytesIO(result.png))
    assert image.format == "PNG" and image.size == (64, 96)
    assert (result.width, result.height, result.seed, result.steps, result.mode) == (64, 96, 7, 2, "text2img")
    assert steps == [(1, 2), (2, 2)]
    assert result.timings["generate_s"] > 0 and "queue_wait_s" in result.timings


def test_runs_in_float32_on_the_cpu_and_in_half_precision_on_a_gpu(generator):
    import torch

    if torch.cuda.is_available():
        assert generator.placement.device == "cuda" and generator.placement.dtype in (torch.float16, torch.bfloat16)
    else:
        assert generator.placement.device == "cpu" and generator.placement.dtype == torch.float32
        assert generator.base.unet.dtype == torch.float32


def test_same_seed_same_image_and_another_seed_another_image(generator):
    first, again, other = (generator.generate(job(seed=s)) for s in (11, 11, 12))
    assert first.png == again.png
    assert np.abs(pixels(first.png) - pixels(other.png)).mean() > 1.0


def test_a_seed_gives_the_same_image_alone_and_in_a_batch(generator):
    alone = generator.generate(job(seed=5, prompt="a lamp"))
    futures = [generator.submit(job(seed=s, prompt="a lamp")) for s in (4, 5, 6)]
    batched = [f.result() for f in futures]
    assert any(r.timings["batch_size"] > 1 for r in batched)
    assert np.abs(pixels(alone.png) - pixels(batched[1].png)).max() <= 2  # batched matmuls may round differently


def test_a_cutout_photo_is_inpainted_and_keeps_the_product_pixels(generator):
    photo = cutout()
    result = generator.generate(job(init_image=encode(photo)))
    assert result.mode == "inpaint"
    out = pixels(result.png)
    centre = np.asarray(photo.convert("RGB"), dtype=np.int16)[24:40, 24:40]
    assert np.array_equal(out[24:40, 24:40], centre)  # the product is kept exactly
    assert np.abs(out[:8, :8] - 255).mean() > 5  # the background was repainted (not left white)


def test_a_packshot_on_a_plain_backdrop_is_inpainted(generator):
    assert generator.generate(job(init_image=encode(packshot(), "JPEG"))).mode == "inpaint"


def test_a_busy_photo_goes_image_to_image_at_the_asked_size(generator):
    result = generator.generate(job(width=64, height=64, init_image=encode(busy_photo(80))))
    assert result.mode == "img2img" and Image.open(io.BytesIO(result.png)).size == (64, 64)


def test_too_few_steps_for_the_strength_is_an_input_error(generator):
    with pytest.raises(InputError, match="steps"):
        generator.generate(job(steps=1, strength=0.5, init_image=encode(busy_photo())))


def test_a_controlnet_guides_uploaded_photos_with_their_edges(generator, controlnet_generator):
    photo = encode(busy_photo(seed=3))
    plain = controlnet_generator.generate(job())
    assert plain.mode == "text2img"  # no photo, no control image
    guided = controlnet_generator.generate(job(init_image=photo))
    unguided = generator.generate(job(init_image=photo))
    assert guided.mode == "controlnet" and unguided.mode == "img2img"
    assert np.abs(pixels(guided.png) - pixels(unguided.png)).mean() > 0.5


def test_a_brand_lora_changes_the_image_and_is_switched_off_for_other_brands(tmp_path, tiny_sd_dir):  # noqa: F811
    import torch
    from diffusers import StableDiffusionPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    maker = StableDiffusionPipeline.from_pretrained(str(tiny_sd_dir))
    maker.unet.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights="gaussian",
                                      target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    with torch.no_grad():
        for name, parameter in maker.unet.named_parameters():
            if "lora_B" in name:
                parameter.normal_(std=0.5)  # peft starts B at zero (a no-op adapter)
    StableDiffusionPipeline.save_lora_weights(tmp_path / "lora", unet_lora_layers=get_peft_model_state_dict(maker.unet))

    generator = ImageGenerator.from_pretrained(str(tiny_sd_dir))
    before = generator.generate(job())
    styled = generator.generate(job(lora=str(tmp_path / "lora"), lora_scale=1.0))
    after = generator.generate(job())
    assert np.abs(pixels(styled.png) - pixels(before.png)).mean() > 0.5
    assert np.abs(pixels(after.png) - pixels(before.png)).max() <= 1
    with pytest.raises(ModelError, match="LoRA"):
        generator.generate(job(lora=str(tmp_path / "missing")))


def test_no_model_configured_says_how_to_configure_one(tmp_path):
    settings = Settings(home=tmp_path, _env_file=None)
    with pytest.raises(ConfigError) as raised:
        load_image_generator(settings)
    message = str(raised.value)
    assert "COPYDESK_IMAGE_MODEL" in message and "sd-turbo" in message and "SD 1.5" in message


def test_a_folder_that_is_no_model_is_a_model_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="could not be loaded"):
        ImageGenerator.from_pretrained(str(tmp_path / "empty"))


def test_load_image_generator_loads_once_per_process(tmp_path, tiny_sd_dir):  # noqa: F811
    settings = Settings(home=tmp_path, image_model=str(tiny_sd_dir), _env_file=None)
    assert load_image_generator(settings) is load_image_generator(settings)

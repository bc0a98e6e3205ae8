"""ImageService: limits checked before any work, then catalog -> prompt -> tiny pipeline -> PNG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chains.images.service import ImageService, parse_size
from copydesk.domain import Product, ProductMatch, Resolution
from copydesk.errors import AmbiguousError, ConfigError, InputError, NotFoundError, UnsupportedRequestError
from copydesk.settings import Settings
from tests.fixtures.image_catalog import image_catalog_home  # noqa: F401  (fixture)
from tests.fixtures.tiny_sd import tiny_sd_dir  # noqa: F401  (fixture)
from tests.generators.images_helpers import cutout, encode


ANY_PRODUCT = Product(sku="sku", title="A product")


class Untouchable:
    """Stands in for the catalog and the generator factory where a request must fail before using them."""

    def __getattr__(self, name):
        raise AssertionError(f"used {name} before the request was validated")

    def __call__(self):
        raise AssertionError("loaded the image model before the request was validated")


@pytest.fixture
def strict_service(tmp_path) -> ImageService:
    settings = Settings(home=tmp_path, image_model="configured", upload_max_bytes=4096, image_max_steps=8,
                        image_max_pixels=256 * 256, image_max_prompt_chars=60,
                        image_default_size="256x256", _env_file=None)
    return ImageService(Untouchable(), Untouchable(), None, settings)


@pytest.fixture(scope="module")
def service(image_catalog_home, tiny_sd_dir, tmp_path_factory):  # noqa: F811
    from generators.images.pipeline import load_image_generator
    from retrieval.catalog import Catalog

    home, _ = image_catalog_home
    settings = Settings(home=home, image_model=str(tiny_sd_dir), image_default_size="64x64",
                        image_default_steps=2, _env_file=None)
    return ImageService(Catalog.open(settings), lambda: load_image_generator(settings), None, settings)


def test_creates_a_png_for_a_catalog_product_in_the_brand_style(service, image_catalog_home):  # noqa: F811
    _, skus = image_catalog_home
    steps = []
    outcome = service.create(service.catalog.product(skus[0]), scene="on a wooden desk", brand="studio", seed=42,
                             on_step=lambda k, n: steps.append((k, n)))
    assert outcome.product.sku == skus[0]
    assert Image.open(io.BytesIO(outcome.result.png)).size == (64, 64)
    assert outcome.result.seed == 42 and outcome.result.steps == 2 and steps[-1] == (2, 2)
    assert outcome.product.title.split()[0] in outcome.prompt.prompt and "on a wooden desk" in outcome.prompt.prompt
    assert "soft morning window light" in outcome.prompt.prompt
    assert "people, hands" in outcome.prompt.negative_prompt
    assert outcome.result.prompt == outcome.prompt.prompt
    assert {"resolve_s", "prompt_s", "load_s", "generate_s", "total_s"} <= set(outcome.result.timings)


def test_the_same_seed_reproduces_the_image_and_no_seed_draws_one(service, image_catalog_home):  # noqa: F811
    _, skus = image_catalog_home
    first = service.create(service.catalog.product(skus[1]), seed=9)
    assert service.create(service.catalog.product(skus[1]), seed=9).result.png == first.result.png
    drawn = service.create(service.catalog.product(skus[1]))
    assert drawn.result.seed >= 0 and drawn.result.png != first.result.png


def test_an_uploaded_photo_is_used(service, image_catalog_home):  # noqa: F811
    _, skus = image_catalog_home
    outcome = service.create(service.catalog.product(skus[0]), scene="on a beach", init_image=encode(cutout()), seed=1)
    assert outcome.result.mode == "inpaint"


def test_unknown_products_and_brands_and_banned_scenes_are_explained(service):
    with pytest.raises(NotFoundError, match="known brands: studio"):
        service.create(service.catalog.product("3920564"), brand="acme")
    with pytest.raises(UnsupportedRequestError, match="people"):
        service.create(service.catalog.product("3920564"), brand="studio", scene="with people smiling")


def test_an_empty_reference_is_an_input_error(service):
    with pytest.raises(InputError, match="Say which product"):
        service.catalog.product("  ")


@pytest.mark.parametrize("size", ["big", "512", "0x0", "60x64", "64x-8", "512 by 512", "1x1x1"])
def test_bad_size_strings_are_refused(strict_service, size):
    with pytest.raises(InputError, match="image size|multiples of 8|WIDTHxHEIGHT"):
        strict_service.create(ANY_PRODUCT, size=size)


def test_sizes_are_parsed_and_bounded():
    assert parse_size("768x512", max_pixels=1024 * 1024) == (768, 512)
    assert parse_size(" 64 X 96 ", max_pixels=64 * 96) == (64, 96)
    with pytest.raises(InputError, match="limit is 65,536"):
        parse_size("512x512", max_pixels=256 * 256)


def test_too_many_steps_are_refused(strict_service):
    with pytest.raises(InputError, match="range is 1 to 8"):
        strict_service.create(ANY_PRODUCT, steps=9)
    with pytest.raises(InputError, match="range is 1 to 8"):
        strict_service.create(ANY_PRODUCT, steps=0)


def test_a_long_scene_is_refused(strict_service):
    with pytest.raises(InputError, match="limit is 60"):
        strict_service.create(ANY_PRODUCT, scene="on a desk " * 10)


def test_a_negative_seed_is_refused(strict_service):
    with pytest.raises(InputError, match="seed"):
        strict_service.create(ANY_PRODUCT, seed=-1)


def test_uploads_are_checked_for_size_and_type_before_anything_else(strict_service):
    with pytest.raises(InputError, match="limit is"):
        strict_service.create(ANY_PRODUCT, init_image=b"\xff\xd8\xff" + bytes(5000))
    with pytest.raises(InputError, match="not a PNG, JPEG or WebP"):
        strict_service.create(ANY_PRODUCT, init_image=b"GIF89a" + bytes(100))
    with pytest.raises(InputError, match="damaged"):
        strict_service.create(ANY_PRODUCT, init_image=encode(cutout())[:40] + bytes(200))


def test_no_image_model_configured_is_a_config_error_before_the_catalog_is_used(tmp_path):
    settings = Settings(home=tmp_path, _env_file=None)
    with pytest.raises(ConfigError) as raised:
        ImageService(Untouchable(), Untouchable(), None, settings).create(ANY_PRODUCT, scene="on a desk")
    assert "COPYDESK_IMAGE_MODEL" in str(raised.value) and "stabilityai/sd-turbo" in str(raised.value)

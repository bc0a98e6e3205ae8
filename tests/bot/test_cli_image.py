"""`copydesk image` end to end through the CLI: real catalog rows, tiny random pipelines."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from typer.testing import CliRunner

from bot.cli import app
from tests.fixtures.image_catalog import image_catalog_home  # noqa: F401  (fixture)
from tests.fixtures.tiny_sd import tiny_controlnet_dir, tiny_sd_dir  # noqa: F401  (fixtures)
from tests.generators.images_helpers import busy_photo, cutout, encode

runner = CliRunner()


@pytest.fixture
def env(image_catalog_home, tiny_sd_dir, monkeypatch):  # noqa: F811
    home, skus = image_catalog_home
    monkeypatch.setenv("COPYDESK_HOME", str(home))
    monkeypatch.setenv("COPYDESK_IMAGE_MODEL", str(tiny_sd_dir))
    return skus


def run(*args: str):
    result = runner.invoke(app, ["image", *args])
    return result


def test_image_writes_a_png_and_prints_prompt_seed_and_timings(env, tmp_path):
    out = tmp_path / "x.png"
    result = run(env[0], "--scene", "on a wooden desk", "--steps", "2", "--size", "64x64", "--out", str(out),
                 "--json", "--template-prompt", "--seed", "5")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert Image.open(out).size == (64, 64) and Image.open(out).format == "PNG"
    assert "on a wooden desk" in shown["prompt"] and shown["negative_prompt"]
    assert shown["seed"] == 5 and shown["steps"] == 2 and shown["size"] == "64x64" and shown["mode"] == "text2img"
    assert shown["timings"]["generate_s"] > 0 and shown["out"] == str(out.resolve())
    again = tmp_path / "again.png"
    run(env[0], "--scene", "on a wooden desk", "--steps", "2", "--size", "64x64", "--out", str(again),
        "--json", "--template-prompt", "--seed", "5")
    assert again.read_bytes() == out.read_bytes()


def test_init_image_runs_image_to_image(env, tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(encode(busy_photo(96), "JPEG"))
    out = tmp_path / "x.png"
    result = run(env[1], "--scene", "on a wooden desk", "--steps", "2", "--size", "64x64", "--init-image", str(photo),
                 "--out", str(out), "--json", "--template-prompt")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mode"] == "img2img" and Image.open(out).size == (64, 64)


def test_a_tiny_controlnet_guides_an_uploaded_photo(env, tmp_path, tiny_controlnet_dir, monkeypatch):  # noqa: F811
    monkeypatch.setenv("COPYDESK_CONTROLNET_MODEL", str(tiny_controlnet_dir))
    photo = tmp_path / "cutout.png"
    photo.write_bytes(encode(cutout()))
    out = tmp_path / "x.png"
    result = run(env[0], "--scene", "on a wooden desk", "--steps", "2", "--size", "64x64", "--init-image", str(photo),
                 "--out", str(out), "--json", "--template-prompt")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mode"] == "controlnet" and Image.open(out).size == (64, 64)


def test_the_brand_style_and_a_human_readable_summary(env, tmp_path):
    out = tmp_path / "x.png"
    result = run(env[0], "--brand", "studio", "--steps", "2", "--size", "64x64", "--out", str(out), "--template-prompt")
    assert result.exit_code == 0, result.output
    assert "soft morning window light" in result.stdout and "seed" in result.stdout and out.is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--steps", "999"], "range is 1 to 50"),
        (["--size", "64by64"], "WIDTHxHEIGHT"),
        (["--size", "4096x4096"], "limit is"),
        (["--scene", "x" * 700], "limit is 600"),
    ],
)
def test_bad_arguments_fail_with_what_to_do(env, tmp_path, args, message):
    result = run(env[0], *args, "--out", str(tmp_path / "x.png"), "--template-prompt")
    assert result.exit_code != 0 and isinstance(result.exception, Exception)
    assert message in str(result.exception)
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"GIF89a" + bytes(64), "not a PNG, JPEG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "damaged"),
    ],
)
def test_bad_photos_fail_before_decoding(env, tmp_path, content, message):
    photo = tmp_path / "photo.png"
    photo.write_bytes(content)
    result = run(env[0], "--init-image", str(photo), "--out", str(tmp_path / "x.png"), "--template-prompt")
    assert result.exit_code != 0 and message in str(result.exception)


def test_an_oversized_photo_is_refused(env, tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_UPLOAD_MAX_BYTES", "2048")
    photo = tmp_path / "big.png"
    photo.write_bytes(encode(busy_photo(128)))
    result = run(env[0], "--init-image", str(photo), "--out", str(tmp_path / "x.png"), "--template-prompt")
    assert result.exit_code != 0 and "the limit is" in str(result.exception)


def test_no_image_model_says_how_to_set_one(env, tmp_path, monkeypatch):
    monkeypatch.delenv("COPYDESK_IMAGE_MODEL")
    result = run(env[0], "--out", str(tmp_path / "x.png"), "--template-prompt")
    assert result.exit_code != 0
    assert "COPYDESK_IMAGE_MODEL" in str(result.exception) and "sd-turbo" in str(result.exception)


def test_asked_for_it_the_language_model_is_tried_first(env, tmp_path, tiny_lm_dir, monkeypatch):
    """The tiny random LM writes gibberish, so its prompt must be rejected with a reason and the template used."""
    monkeypatch.setenv("COPYDESK_LLM", str(tiny_lm_dir))
    result = run(env[0], "--scene", "on a wooden desk", "--steps", "2", "--size", "64x64", "--seed", "3",
                 "--out", str(tmp_path / "x.png"), "--json", "--llm-prompt")  # the seed also fixes the LM's sampling
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["prompt_origin"] == "template"
    assert shown["prompt_rejected"].startswith("the model's prompt")

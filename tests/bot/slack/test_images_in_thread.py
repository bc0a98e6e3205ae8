"""Images in a thread, end to end with a tiny random Stable Diffusion pipeline: progress "step k of N",
then files_upload_v2's three calls in order with thread_ts, then Another / Variation / Approve buttons;
a photo uploaded in the thread plus a scene runs image-to-image."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.bot.conftest import start_http_bot
from tests.fixtures.tiny_sd import tiny_sd_dir  # noqa: F401 - session fixture

CHANNEL = "C0TEST"
UPLOAD_SEQUENCE = ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


@pytest.fixture
def image_bot(slack, make_services, tiny_sd_dir):  # noqa: F811
    with start_http_bot(slack, make_services, image_model=str(tiny_sd_dir), image_default_size="64x64",
                        image_default_steps=3, stream_update_interval_s=0.2) as bot:
        yield bot


def _upload_calls(slack, after: int = 0):
    return [c for c in slack.calls[after:] if c.method in UPLOAD_SEQUENCE and c.status == 200]


def test_image_request_shows_progress_then_uploads_into_the_thread(image_bot, sample_catalog):
    slack = image_bot.slack
    product = sample_catalog.products[0]
    _, ts = image_bot.sender.mention(f"image of {product.sku} on a wooden desk")
    slack.wait_for(lambda calls: len([c for c in calls if c.method == "files.completeUploadExternal"]) == 1, 120)
    image_bot.wait_idle()

    progress = [c for c in slack.calls if c.method in ("chat.postMessage", "chat.update")
                and "step" in str(c.args.get("text"))]
    assert progress and progress[0].args["thread_ts"] == ts
    assert "of 3" in progress[-1].args["text"]
    uploads = _upload_calls(slack)
    assert [c.method for c in uploads] == UPLOAD_SEQUENCE
    png = uploads[1].body
    assert Image.open(io.BytesIO(png)).size == (64, 64)
    complete = uploads[2].args
    assert complete["thread_ts"] == ts and complete["channel_id"] == CHANNEL
    assert "seed" in complete["initial_comment"] and "Prompt" in complete["initial_comment"]
    assert uploads[0].args.get("alt_txt")
    buttons = [c for c in slack.calls_to("chat.postMessage") if "Variation" in str(c.args.get("blocks"))]
    assert buttons and buttons[0].args["thread_ts"] == ts

    # Variation: the neighbouring seed of the same family, uploaded into the same thread
    seed = int(complete["initial_comment"].split("seed ", 1)[1].split(" ", 1)[0])
    before = len(slack.calls)
    image_bot.sender.action("copydesk_image_variation", f"{product.sku}:{seed}", thread_ts=ts)
    slack.wait_for(lambda calls: len(_upload_calls(slack, before)) == 3, 120)
    again = _upload_calls(slack, before)[2].args
    assert f"seed {seed + 1}" in again["initial_comment"] and again["thread_ts"] == ts


def test_photo_in_the_thread_plus_a_scene_runs_image_to_image(image_bot, sample_catalog):
    slack = image_bot.slack
    product = sample_catalog.products[0]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    photo = slack.add_file(buffer.getvalue())
    _, ts = image_bot.sender.mention(f"image of {product.sku} in a sunny kitchen", files=[photo])
    slack.wait_for(lambda calls: any(c.method == "files.completeUploadExternal" for c in calls), 120)
    complete = slack.calls_to("files.completeUploadExternal")[0].args
    assert "img2img" in complete["initial_comment"] or "inpaint" in complete["initial_comment"]
    download = [c for c in slack.calls if c.method == "download"][0]
    assert download.headers.get("Authorization", "").startswith("Bearer ")

    # later in the thread: just a photo and a scene, no "image" keyword, for the thread's product
    image_bot.sender.thread_reply("on a sandy beach at sunset", thread_ts=ts, files=[photo])
    slack.wait_for(lambda calls: len([c for c in calls if c.method == "files.completeUploadExternal"]) == 2, 120)
    second = slack.calls_to("files.completeUploadExternal")[1].args
    assert second["thread_ts"] == ts and product.sku in second["initial_comment"]
    assert "img2img" in second["initial_comment"] or "inpaint" in second["initial_comment"]


def test_no_image_model_gets_a_message_saying_how_to_configure_one(http_bot, sample_catalog):
    _, ts = http_bot.sender.mention(f"image of {sample_catalog.products[0].sku}")
    http_bot.slack.wait_for(lambda calls: any("COPYDESK_IMAGE_MODEL" in str(c.args) for c in calls
                                              if c.method == "chat.postMessage"), 60)
    assert not [c for c in http_bot.slack.calls if c.method == "files.getUploadURLExternal"]

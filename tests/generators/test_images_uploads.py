"""Upload checks (size and type before decoding) and the product mask / edge helpers."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from copydesk.errors import InputError
from generators.images.masks import canny_edges, product_mask
from generators.images.uploads import check_upload, decode_upload, sniff_image_type
from tests.generators.images_helpers import busy_photo, cutout, encode, packshot


@pytest.mark.parametrize("fmt, kind", [("PNG", "png"), ("JPEG", "jpeg"), ("WEBP", "webp")])
def test_accepted_types_are_recognised_by_their_magic_bytes(fmt, kind):
    data = encode(packshot(), fmt)
    assert sniff_image_type(data) == kind
    assert check_upload(data, max_bytes=10**6) == kind


@pytest.mark.parametrize("data", [encode(packshot(), "GIF"), encode(packshot(), "BMP"), b"%PDF-1.7 hello", b"hello"])
def test_other_types_are_refused_before_decoding(data):
    with pytest.raises(InputError, match="not a PNG, JPEG or WebP"):
        check_upload(data, max_bytes=10**6)


def test_an_oversized_upload_is_refused_on_its_byte_count():
    with pytest.raises(InputError, match="limit is") as raised:
        check_upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, max_bytes=4096)
    assert "COPYDESK_UPLOAD_MAX_BYTES" in str(raised.value)


@pytest.mark.parametrize("cut", [30, 60])
def test_corrupt_bytes_behind_a_good_signature_are_refused(cut):
    data = encode(packshot(), "PNG")
    broken = data[:cut] + bytes(len(data) - cut)  # right magic bytes, damaged body
    with pytest.raises(InputError, match="damaged|could not be decoded"):
        decode_upload(broken, max_bytes=10**6, max_pixels=512 * 512)


def test_empty_upload_is_refused():
    with pytest.raises(InputError, match="empty"):
        check_upload(b"", max_bytes=1024)


def test_a_huge_canvas_is_refused_before_its_pixels_are_decoded():
    data = encode(Image.new("L", (2048, 2048)), "PNG")  # small file, 4 megapixels
    with pytest.raises(InputError, match="too large"):
        decode_upload(data, max_bytes=10**6, max_pixels=128 * 128)


def test_decoded_upload_keeps_its_alpha_channel():
    image = decode_upload(encode(cutout()), max_bytes=10**6, max_pixels=512 * 512)
    assert image.mode == "RGBA" and image.size == (64, 64)


def test_the_mask_of_a_cutout_is_its_transparent_part():
    mask = np.asarray(product_mask(cutout()))
    assert mask[0, 0] == 255 and mask[32, 32] == 0  # white = repaint the background, black = keep


def test_the_mask_of_a_packshot_separates_the_plain_backdrop():
    mask = np.asarray(product_mask(packshot()))
    assert mask[2, 2] == 255 and mask[32, 32] == 0


def test_a_busy_photo_has_no_mask():
    assert product_mask(busy_photo()) is None


def test_canny_edges_outline_the_product():
    edges = np.asarray(canny_edges(packshot()))
    assert edges.shape == (64, 64, 3) and edges.max() == 255 and edges[32, 32, 0] == 0

"""Uploaded photos: size and type checked on the raw bytes, then decoded with a pixel bound.

The order matters: an upload is rejected on its byte count and its magic bytes before any
decoder runs, then PIL's `verify()` reads the structure without decoding pixels, and only then
is the image decoded (with a cap on W*H against decompression bombs).
"""

from __future__ import annotations

import io

from PIL import Image

from copydesk.errors import InputError

# The formats copydesk accepts and their file signatures (magic bytes).
_SIGNATURES: tuple[tuple[str, bytes], ...] = (
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("jpeg", b"\xff\xd8\xff"),
)
ACCEPTED = "PNG, JPEG or WebP"


def sniff_image_type(data: bytes) -> str | None:
    """'png', 'jpeg', 'webp' from the first bytes, or None for anything else."""
    for name, signature in _SIGNATURES:
        if data.startswith(signature):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_upload(data: bytes, *, max_bytes: int) -> str:
    """Raise InputError unless `data` is a plausible PNG/JPEG/WebP of at most `max_bytes`; return its type."""
    if not data:
        raise InputError("The uploaded photo is empty.", hint=f"Upload a {ACCEPTED} photo of the product.")
    if len(data) > max_bytes:
        raise InputError(
            f"The uploaded photo is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
            hint="Upload a smaller photo (resize it or save it as JPEG), or raise COPYDESK_UPLOAD_MAX_BYTES.",
        )
    kind = sniff_image_type(data)
    if kind is None:
        raise InputError("The uploaded file is not a PNG, JPEG or WebP image.", hint=f"Upload a {ACCEPTED} photo.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # structure and checksums only; no pixel data is decoded
    except Exception as error:  # PIL raises many types for broken files
        raise InputError(
            f"The uploaded {kind.upper()} file is damaged and cannot be read ({error}).",
            hint=f"Export the photo again as {ACCEPTED} and upload it.",
        ) from error
    return kind


def decode_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """Check, then decode an upload to an RGBA image (alpha kept: it may hold the product's cut-out)."""
    check_upload(data, max_bytes=max_bytes)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            # Many phones store photos 4x the pixels of a model's canvas; the cap is generous
            # (16x the largest output) yet stops decompression bombs before decoding.
            if width * height > 16 * max_pixels:
                raise InputError(
                    f"The uploaded photo is {width}x{height} pixels, too large to process.",
                    hint=f"Resize it to at most {16 * max_pixels:,} pixels in all and upload it again.",
                )
            image.load()
            return image.convert("RGBA")
    except InputError:
        raise
    except Exception as error:
        raise InputError(
            f"The uploaded photo could not be decoded ({error}).", hint=f"Export it again as {ACCEPTED} and upload it."
        ) from error

"""Logos: PNG and JPEG are re-encoded to a PNG of at most 512 px; the rest is refused."""

import io
import struct
import zlib

import pytest
from PIL import Image

from apps.errors import DomainError
from apps.providers.logos import MAX_UPLOAD_BYTES, logo_from_bytes, logo_from_upload
from tests.providers.images import SVG, jpeg_bytes, png_bytes, upload


def decoded(logo):
    return Image.open(io.BytesIO(logo.png))


def test_a_png_comes_back_as_a_fresh_png_with_its_transparency():
    logo = logo_from_bytes(png_bytes(size=(100, 40), colour=(0, 128, 0, 128)))
    image = decoded(logo)
    assert image.format == "PNG"
    assert (logo.width, logo.height) == image.size == (100, 40)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (0, 128, 0, 128)
    assert len(logo.sha256) == 64


def test_a_large_jpeg_is_scaled_to_fit_512_and_turned_upright():
    # Orientation 6: the camera was turned; the stored PNG is upright (portrait here).
    logo = logo_from_bytes(jpeg_bytes(size=(1600, 800), exif_orientation=6))
    image = decoded(logo)
    assert image.format == "PNG"
    assert image.size == (256, 512)
    assert image.mode == "RGB"
    assert not image.info.get("exif")


def test_the_same_image_gives_the_same_hash():
    assert logo_from_bytes(png_bytes()).sha256 == logo_from_bytes(png_bytes()).sha256
    assert logo_from_bytes(png_bytes()).sha256 != logo_from_bytes(
        png_bytes(colour=(1, 2, 3, 255))).sha256


def _png_header_only(width, height):
    """A tiny PNG file that declares a huge canvas: decoding it would eat the memory."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("data", "message"), [
    (SVG, "SVG logos are not accepted"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG logos are not accepted"),
    (b"GIF89a" + b"\x00" * 100, "not a PNG or JPEG image"),
    (b"This is a text file that says it is a PNG.", "not a PNG or JPEG image"),
    (png_bytes()[:60], "could not be read"),  # a valid header, the data cut short
    (_png_header_only(30000, 30000), "too large to process"),
    (_png_header_only(100000, 100000), "too large to process"),
    (png_bytes(size=(8, 8)), "at least 16 pixels"),
])
def test_bad_images_are_refused_with_a_clear_message(data, message):
    with pytest.raises(DomainError) as caught:
        logo_from_bytes(data)
    assert message in caught.value.message
    assert caught.value.field == "logo"


def test_other_image_formats_are_refused():
    for fmt in ("GIF", "BMP", "TIFF", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (32, 32)).save(out, format=fmt)
        with pytest.raises(DomainError, match="not a PNG or JPEG"):
            logo_from_bytes(out.getvalue())


def test_uploads_over_1_mb_are_refused_before_decoding():
    big = upload(b"\x89PNG" + b"\x00" * MAX_UPLOAD_BYTES, name="big.png")
    with pytest.raises(DomainError, match="1 MB"):
        logo_from_upload(big)
    # A file object that does not say its size is read no further than the limit.
    with pytest.raises(DomainError, match="larger than 1 MB"):
        logo_from_upload(io.BytesIO(b"\x00" * (MAX_UPLOAD_BYTES + 10)))
    with pytest.raises(DomainError, match="empty"):
        logo_from_upload(io.BytesIO(b""))


def test_a_large_upload_under_1_mb_is_decoded_and_scaled():
    noisy = Image.frombytes("RGB", (600, 500), bytes(range(256)) * (600 * 500 * 3 // 256 + 1))
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    data = out.getvalue()
    assert len(data) < MAX_UPLOAD_BYTES
    logo = logo_from_upload(upload(data))
    assert max(logo.width, logo.height) == 512

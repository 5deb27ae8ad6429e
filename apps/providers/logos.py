"""Uploaded logos: PNG or JPEG in, a re-encoded PNG of at most 512 px out, or a clear refusal.

Nothing of the uploaded file reaches a visitor: Pillow decodes it and we encode a fresh PNG
(no metadata, no other chunks), so a file that only claims to be an image, an SVG with a
script, or a decompression bomb never gets through.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.errors import DomainError

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_SIDE = 512  # stored logos fit in MAX_SIDE x MAX_SIDE
MIN_SIDE = 16
# Refused before decoding: a small file can declare a huge canvas (a decompression bomb).
MAX_PIXELS = 25_000_000
ACCEPTED_FORMATS = ("PNG", "JPEG")


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def _refuse(message):
    return DomainError(message, field="logo", code="logo")


def _looks_like_svg(head):
    text = head.lstrip().lower()
    return text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text[:1024]


def logo_from_upload(upload):
    """Decode an uploaded file (a Django UploadedFile or any binary file object)."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _refuse(_("The logo is %(size)s; the largest accepted is 1 MB.")
                      % {"size": _megabytes(size)})
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(_("The logo is larger than 1 MB, the largest accepted."))
    if not data:
        raise _refuse(_("The logo file is empty."))
    return logo_from_bytes(data)


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def logo_from_bytes(data):
    if _looks_like_svg(data[:2048]):
        raise _refuse(_("SVG logos are not accepted: upload a PNG or JPEG image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(_("The logo is %(w)d x %(h)d pixels, too large to process; "
                                "upload one of at most 5000 x 5000 pixels.")
                              % {"w": width, "h": height})
            if width < MIN_SIDE or height < MIN_SIDE:
                raise _refuse(_("The logo is %(w)d x %(h)d pixels; it needs at least "
                                "%(min)d pixels on each side.")
                              % {"w": width, "h": height, "min": MIN_SIDE})
            image.load()
            return _reencode(image)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _refuse(_("The logo is too large to process; upload one of at most "
                        "5000 x 5000 pixels.")) from error
    except UnidentifiedImageError as error:
        raise _refuse(_("This file is not a PNG or JPEG image.")) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        # Truncated or corrupt data behind a valid header.
        raise _refuse(_("This image could not be read; it may be damaged. Export it again "
                        "as PNG or JPEG.")) from error


def _reencode(image):
    image = ImageOps.exif_transpose(image)  # JPEG orientation, before the metadata goes
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return Logo(png=out.getvalue(), width=image.width, height=image.height)


def placeholder_logo(colour, accent):
    """A simple two-colour mark (demo data): a rounded square with a disc."""
    from PIL import ImageDraw

    image = Image.new("RGBA", (128, 128), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 124, 124), radius=24, fill=colour)
    draw.ellipse((36, 36, 92, 92), fill=accent)
    return _reencode(image)

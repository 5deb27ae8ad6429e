"""Images made on the spot for logo tests: real PNG/JPEG bytes, and files that only pretend."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(size=(64, 64), colour=(11, 61, 110, 255), mode="RGBA"):
    image = Image.new(mode, size, colour if mode != "RGB" else colour[:3])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(64, 64), colour=(200, 30, 30), exif_orientation=None):
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif.tobytes()
    image.save(out, format="JPEG", **kwargs)
    return out.getvalue()


def upload(data, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def publish_logo(provider, colour=(11, 61, 110, 255)):
    """Publish a profile with a logo for `provider` (an Organization); returns the logo row."""
    from apps.providers.logos import logo_from_bytes
    from apps.providers.services import directory_publish, logo_store

    logo = logo_store(logo=logo_from_bytes(png_bytes(colour=colour)))
    directory_publish(provider=provider.provider, company_name=provider.name,
                      locations=[("US", "https://example.com/us")], logo=logo)
    return logo

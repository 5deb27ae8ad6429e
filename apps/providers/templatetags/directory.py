"""Template helpers for directory logos."""

import base64

from django import template

register = template.Library()


@register.filter
def png_data_uri(logo):
    """An inline data: URI of a stored logo, for previews of logos not yet public."""
    if logo is None or not logo.png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(logo.png)).decode("ascii")

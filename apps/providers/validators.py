"""Checks shared by the change request form and the service: https target URLs, names."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_URL_LENGTH = 500
MAX_NAME_LENGTH = 200

_url_validator = URLValidator(schemes=["https"])


def clean_target_url(value):
    """The URL, stripped, if it is a well-formed https address; ValidationError otherwise."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Enter the target URL for this location."), code="required")
    if len(value) > MAX_URL_LENGTH:
        raise ValidationError(ngettext("Keep the URL to %(n)d character or fewer.",
                                       "Keep the URL to %(n)d characters or fewer.",
                                       MAX_URL_LENGTH) % {"n": MAX_URL_LENGTH},
                              code="max_length")
    if any(ord(c) < 32 or c.isspace() for c in value):
        raise ValidationError(_("A URL cannot contain spaces or control characters."),
                              code="invalid")
    try:
        parts = urlsplit(value)
    except ValueError as error:
        raise ValidationError(_("Enter a valid https:// address, for example "
                                "https://www.example.com/de."), code="invalid") from error
    scheme = parts.scheme.lower()
    if scheme == "http":
        raise ValidationError(_("Use a secure address: it must start with https://, not "
                                "http://."), code="insecure")
    if scheme != "https":
        raise ValidationError(_("Enter a web address that starts with https://, for example "
                                "https://www.example.com/de."), code="scheme")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("A URL with a user name or password in it is not accepted."),
                              code="credentials")
    try:
        _url_validator(value)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid https:// address, for example "
                                "https://www.example.com/de."), code="invalid") from error
    return value


def clean_company_name(value):
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError(_("Enter the company name to show in the directory."),
                              code="required")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationError(_("The company name cannot contain control characters."),
                              code="invalid")
    if len(value) > MAX_NAME_LENGTH:
        raise ValidationError(ngettext("Keep the company name to %(n)d character or fewer.",
                                       "Keep the company name to %(n)d characters or fewer.",
                                       MAX_NAME_LENGTH) % {"n": MAX_NAME_LENGTH},
                              code="max_length")
    return value

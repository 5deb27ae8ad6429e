"""Every API error as an RFC 9457 problem detail (application/problem+json):
{"type", "title", "status", "detail", "errors": [{"field", "detail", "pointer"}]}.

One handler (REST_FRAMEWORK EXCEPTION_HANDLER): DRF's errors, Django's 404 and 403, the
services' DomainError and the forms' FieldErrors, with the messages the pages show.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.errors import DomainError, FieldErrors

PROBLEM = "application/problem+json"
KEEP_HEADERS = ("WWW-Authenticate", "Retry-After", "Allow")


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def problem(status, detail="", errors=None, headers=None):
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": str(detail)}
    if errors:
        body["errors"] = errors
    return Response(body, status=status, headers=headers, content_type=PROBLEM)


def _field_errors(detail, prefix=""):
    """DRF's nested {field: [messages]} as a flat list with JSON pointers."""
    found = []
    if isinstance(detail, dict):
        for field, value in detail.items():
            path = f"{prefix}/{field}" if field != "non_field_errors" else prefix
            found.extend(_field_errors(value, path))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            found.extend(_field_errors(value, f"{prefix}/{index}")
                         if isinstance(value, dict | list) else _field_errors(value, prefix))
    else:
        found.append({"field": prefix.lstrip("/").split("/")[0] or None,
                      "detail": str(detail), "pointer": "#" + prefix})
    return found


def field_problem(errors):
    """400 from {field: [messages]} (a form's errors)."""
    flat: list[dict[str, str | None]] = []
    for field, messages in errors.items():
        name = None if field == "__all__" else field
        flat.extend({"field": name, "detail": str(m), "pointer": f"#/{name}" if name else "#"}
                    for m in messages)
    return problem(400, flat[0]["detail"] if flat else _("Check the fields below."), flat)


def exception_handler(exc, context):
    if isinstance(exc, FieldErrors):
        return field_problem(exc.errors)
    if isinstance(exc, DomainError):
        field = exc.field
        return problem(400, exc.message,
                       [{"field": field, "detail": exc.message, "pointer": f"#/{field}"}]
                       if field else None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("Your role does not allow this."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django logs it and answers 500
    headers = {name: response[name] for name in KEEP_HEADERS if response.has_header(name)}
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    if isinstance(detail, dict | list):
        errors = _field_errors(detail)
        message = errors[0]["detail"] if errors else ""
        return problem(response.status_code, message, errors, headers)
    return problem(response.status_code, detail, None, headers)

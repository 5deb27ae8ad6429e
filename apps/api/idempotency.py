"""Idempotency-Key on the POSTs that create: the same key (per organization) with the same
request replays the first response (header `Idempotent-Replayed: true`); with another
request, 409. Kept PORTAL_API_IDEMPOTENCY_HOURS. Only successful responses are kept: a
request refused for its data may be corrected and sent again with the same key.

The key also derives the UUID the service's own idempotency uses (the wizard's key), so a
concurrent duplicate finds the order the first request made.
"""

import hashlib
import json
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .problems import Conflict
from .selectors import idempotent_response
from .services import idempotent_response_keep

HEADER = "Idempotency-Key"
_NAMESPACE = uuid.UUID("5b0f3c9e-8f0e-4a55-9d55-7d1c0c3e2a61")


def _fingerprint(request):
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _replay(kept, fingerprint):
    if kept.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was already used with another request. Use a "
                         "new key for a new request."))
    return Response(kept.body, status=kept.status, headers={"Idempotent-Replayed": "true"})


def idempotent(request, create):
    """Run `create(service_key)` once per Idempotency-Key; `service_key` is the UUID to hand
    the service as its idempotency key."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return create(uuid.uuid4())
    if not (1 <= len(raw) <= 255) or not raw.isprintable() or not raw.isascii():
        raise ValidationError({HEADER: [_("Send an Idempotency-Key of 1 to 255 printable "
                                          "characters.")]})
    organization = request.auth.organization
    fingerprint = _fingerprint(request)
    kept = idempotent_response(organization=organization, key=raw)
    if kept is not None:
        return _replay(kept, fingerprint)
    try:
        with transaction.atomic():
            response = create(uuid.uuid5(_NAMESPACE, f"{organization.pk}:{raw}"))
            if 200 <= response.status_code < 300:
                idempotent_response_keep(organization=organization, key=raw,
                                         fingerprint=fingerprint,
                                         status=response.status_code,
                                         body=json.loads(JSONRenderer().render(response.data)))
    except IntegrityError:
        # A concurrent request with the same key committed first.
        kept = idempotent_response(organization=organization, key=raw)
        if kept is None:
            raise
        return _replay(kept, fingerprint)
    return response

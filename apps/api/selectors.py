"""API key and idempotency reads, scoped to the organization asking."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ApiKey, IdempotentResponse

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.organizations.models import Organization


def key_digest(secret: str) -> str:
    """What is stored of a key: the SHA-256 of the whole secret (high-entropy, so no salt
    or slow hash is needed)."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def api_key_list(*, organization: Organization) -> QuerySet[ApiKey]:
    return (ApiKey.objects.filter(organization=organization)
            .select_related("created_by").order_by("-created_at", "pk"))


def api_key_get(*, organization: Organization, pk: UUID) -> ApiKey:
    return get_object_or_404(ApiKey.objects.filter(organization=organization), pk=pk)


def api_key_for_secret(secret: str) -> ApiKey | None:
    """The key whose secret this is (revoked or expired ones too: the caller says why it
    refuses), with its organization and creator; None when no key matches."""
    if not secret or len(secret) > 200:
        return None
    return (ApiKey.objects.select_related("organization", "created_by")
            .filter(hashed=key_digest(secret)).first())


def idempotent_response(*, organization: Organization, key: str) -> IdempotentResponse | None:
    """The response kept for this Idempotency-Key, unless it is older than
    PORTAL_API_IDEMPOTENCY_HOURS."""
    since = timezone.now() - timedelta(hours=settings.PORTAL_API_IDEMPOTENCY_HOURS)
    return IdempotentResponse.objects.filter(organization=organization, key=key,
                                             created_at__gte=since).first()

"""API key and idempotency reads, scoped to the organization asking."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F, FilteredRelation, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.prepared import Prepared

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


def _key_by_digest(digest: str) -> QuerySet[ApiKey]:
    return (ApiKey.objects.select_related("organization", "created_by")
            .annotate(creator_membership=FilteredRelation(
                "created_by__memberships",
                condition=Q(created_by__memberships__organization=F("organization"))),
                creator_role=F("creator_membership__role"))
            .filter(hashed=digest).order_by("pk")[:1])


# Read on every API request: compiled once per process and connection (apps.prepared),
# about 1,500 Python calls less.
_key_by_digest_prepared = Prepared(_key_by_digest)


def api_key_for_secret(secret: str) -> ApiKey | None:
    """The key whose secret this is (revoked or expired ones too: the caller says why it
    refuses), with its organization, its creator and the creator's role in the
    organization today (`creator_role`, None once the creator left it); None when no key
    matches. One query: the membership is a filtered join (one per user and organization)."""
    if not secret or len(secret) > 200:
        return None
    found = _key_by_digest_prepared(key_digest(secret))
    return found[0] if found else None


# A key acts with no more than its creator may do today: admin > sales > helpdesk.
ROLE_RANK = {"helpdesk": 0, "sales": 1, "admin": 2}


def key_role_capped(key_role: str, creator_role: str) -> str:
    """The role a key acts with: its own, or its creator's current one when that is lower
    (a demoted creator's keys lose what the creator lost)."""
    if ROLE_RANK.get(creator_role, -1) < ROLE_RANK.get(key_role, -1):
        return creator_role
    return key_role


def idempotent_response(*, organization: Organization, key: str) -> IdempotentResponse | None:
    """The response kept for this Idempotency-Key, unless it is older than
    PORTAL_API_IDEMPOTENCY_HOURS."""
    since = timezone.now() - timedelta(hours=settings.PORTAL_API_IDEMPOTENCY_HOURS)
    return IdempotentResponse.objects.filter(organization=organization, key=key,
                                             created_at__gte=since).first()

"""API key use cases (create, revoke, last used) and the kept Idempotency-Key responses."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.organizations.roles import ROLES_BY_KIND, Kind, Role

from .models import ApiKey, IdempotentResponse
from .selectors import key_digest

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Membership, Organization

# A role may hand a key no more than it has itself: admin > sales > helpdesk.
_RANK = {Role.HELPDESK: 0, Role.SALES: 1, Role.ADMIN: 2}
KEY_PREFIX = "pc_"
LAST_USED_EVERY = timedelta(minutes=1)


def _new_secret() -> tuple[str, str]:
    """(prefix, whole key): the prefix names the key on the page and in the audit log; the
    rest is 32 random bytes."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_key_create(*, membership: Membership, name: str, role: str,
                   expires_at: datetime | None = None,
                   request: HttpRequest | None = None) -> tuple[ApiKey, str]:
    """A new key of the member's organization; returns it with its secret, which is shown
    once and never stored."""
    organization = membership.organization
    if role not in ROLES_BY_KIND.get(Kind(organization.kind), []) or role not in _RANK:
        raise DomainError(_("Choose a role from the list."), field="role")
    if _RANK[Role(role)] > _RANK.get(Role(membership.role), -1):
        raise DomainError(_("A key cannot have more rights than your own role."), field="role")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("Choose an expiry date in the future."), field="expires_at")
    prefix, secret = _new_secret()
    key = ApiKey.objects.create(organization=organization, name=name.strip()[:100], role=role,
                                prefix=prefix, hashed=key_digest(secret),
                                created_by=membership.user, expires_at=expires_at)
    record(actor=membership.user, organization=organization, action="api_key.create",
           target=key, data={"api_key_prefix": prefix, "role": role}, request=request)
    return key, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User, request: HttpRequest | None = None) -> ApiKey:
    """Revoke a key (once: revoking it again changes nothing)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(actor=actor, organization=key.organization, action="api_key.revoke",
               target=key, data={"api_key_prefix": key.prefix}, request=request)
    return key


def api_key_touch(*, key: ApiKey) -> None:
    """Note the key's use; at most once a minute per key (one conditional UPDATE), so that
    a busy key does not write a row on every request."""
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_EVERY:
        return
    ApiKey.objects.filter(pk=key.pk).exclude(last_used_at__gte=now - LAST_USED_EVERY).update(
        last_used_at=now)
    key.last_used_at = now


def idempotent_response_keep(*, organization: Organization, key: str, fingerprint: str,
                             status: int, body: Any) -> IdempotentResponse:
    """Keep a response for its Idempotency-Key, in the caller's transaction (the unique
    constraint makes a concurrent request with the same key wait, then fail)."""
    IdempotentResponse.objects.filter(
        organization=organization, key=key,
        created_at__lt=timezone.now() - timedelta(hours=settings.PORTAL_API_IDEMPOTENCY_HOURS),
    ).delete()
    return IdempotentResponse.objects.create(organization=organization, key=key,
                                             fingerprint=fingerprint, status=status, body=body)

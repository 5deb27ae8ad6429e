"""record(): the one way to write an audit event. Every write service calls it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from apps.http import client_ip

from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # django-stubs' name for settings.AUTH_USER_MODEL: accounts sits above audit.
    from django.contrib.auth.models import _User as User
    from django.db.models import Model
    from django.http import HttpRequest

    # An organizations.Organization: organizations sits above audit, which cannot name it.
    Organization: TypeAlias = Any

# Keys whose values never reach the log, whatever a caller passes.
_SECRET_KEYS = {"password", "secret", "token", "temporary_password", "key"}


def _mask(data: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: ("***" if k.lower() in _SECRET_KEYS else v) for k, v in (data or {}).items()}


def _event(*, actor: User | AnonymousUser | None, organization: Organization | None,
           action: str, target: Model | None = None, data: Mapping[str, Any] | None = None,
           request: HttpRequest | None = None) -> AuditEvent:
    """One unsaved event. Made through an API key, the event names the key (data
    api_key_prefix, api_key_name): the key is the actor, for the key's creator."""
    user = actor if actor is not None and actor.is_authenticated else None
    data = _mask(data)
    key = getattr(request, "api_key", None) if request is not None else None
    if key is not None:
        data["api_key_prefix"], data["api_key_name"] = key.prefix, key.name
    return AuditEvent(
        actor=user,
        actor_email=user.email if user else "",
        organization=organization,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data,
        ip=client_ip(request) if request is not None else None,
    )


def record(*, actor: User | AnonymousUser | None, organization: Organization | None, action: str,
           target: Model | None = None, data: Mapping[str, Any] | None = None,
           request: HttpRequest | None = None) -> AuditEvent:
    """Append one event. `target` is any model instance (or None)."""
    event = _event(actor=actor, organization=organization, action=action, target=target,
                   data=data, request=request)
    event.save(force_insert=True)
    return event


def record_many(events: Iterable[Mapping[str, Any]]) -> list[AuditEvent]:
    """Append many events in one statement (a batch job's); each mapping holds record()'s
    arguments."""
    return AuditEvent.objects.bulk_create([_event(**event) for event in events])

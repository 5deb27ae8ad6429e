"""Audit reads, always scoped to one organization."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

from .models import AuditEvent

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    # An organizations.Organization: organizations sits above audit, which cannot name it.
    Organization: TypeAlias = Any


def audit_event_list(*, organization: Organization) -> QuerySet[AuditEvent]:
    # The page shows actor_email, kept on the event: no join to users (and their hashes).
    return AuditEvent.objects.filter(organization=organization).order_by("-at")


def audit_events_about(*, model: type[Model], ids: Iterable[Any]) -> QuerySet[AuditEvent]:
    """The events whose target is one of these objects of `model` (every organization's:
    the caller has checked who may read them)."""
    return AuditEvent.objects.filter(target_type=model._meta.label_lower,
                                     target_id__in=[str(pk) for pk in ids])

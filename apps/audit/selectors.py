"""Audit reads, always scoped to one organization."""

from .models import AuditEvent


def audit_event_list(*, organization):
    return (AuditEvent.objects.filter(organization=organization)
            .select_related("actor").order_by("-at"))

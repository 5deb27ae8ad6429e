"""Audit reads, always scoped to one organization."""

from .models import AuditEvent


def audit_event_list(*, organization):
    # The page shows actor_email, kept on the event: no join to users (and their hashes).
    return AuditEvent.objects.filter(organization=organization).order_by("-at")

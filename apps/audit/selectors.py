"""Audit reads, always scoped to one organization."""

from .models import AuditEvent


def audit_event_list(*, organization):
    # The page shows actor_email, kept on the event: no join to users (and their hashes).
    return AuditEvent.objects.filter(organization=organization).order_by("-at")


def audit_events_about(*, model, ids):
    """The events whose target is one of these objects of `model` (every organization's:
    the caller has checked who may read them)."""
    return AuditEvent.objects.filter(target_type=model._meta.label_lower,
                                     target_id__in=[str(pk) for pk in ids])

"""record(): the one way to write an audit event. Every write service calls it."""

from apps.http import client_ip

from .models import AuditEvent

# Keys whose values never reach the log, whatever a caller passes.
_SECRET_KEYS = {"password", "secret", "token", "temporary_password", "key"}


def _mask(data):
    return {k: ("***" if k.lower() in _SECRET_KEYS else v) for k, v in (data or {}).items()}


def record(*, actor, organization, action, target=None, data=None, request=None):
    """Append one event. `target` is any model instance (or None)."""
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        organization=organization,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=_mask(data),
        ip=client_ip(request) if request is not None else None,
    )

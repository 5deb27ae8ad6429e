"""What the apps above subscriptions do when a subscription's designated support contact
changes.

Support sits above subscriptions, so subscriptions cannot call it: an app registers a
handler here from its AppConfig.ready(), and subscription_set_support_contact() runs the
handlers inside its transaction. A handler takes the subscription, the previous and the
new contact, the actor and the request, and returns how many rows it changed.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model

SupportContactChangedHandler = Callable[..., int]

# (key, handler), in registration order (the INSTALLED_APPS order).
support_contact_changed_handlers: list[tuple[str, SupportContactChangedHandler]] = []


def register_support_contact_changed(key: str, handler: SupportContactChangedHandler) -> None:
    """Run `handler(subscription=..., previous=..., contact=..., actor=..., request=...)`
    when a subscription's designated support contact changes; once per key."""
    if all(existing != key for existing, _handler in support_contact_changed_handlers):
        support_contact_changed_handlers.append((key, handler))


def support_contact_changed(*, subscription: Model, previous: Model, contact: Model,
                            actor: Any = None, request: Any = None) -> dict[str, int]:
    """Run every handler; {key: rows it changed}."""
    return {key: handler(subscription=subscription, previous=previous, contact=contact,
                         actor=actor, request=request)
            for key, handler in support_contact_changed_handlers}

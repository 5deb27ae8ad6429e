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


# Called inside the transaction in which an open subscription's reseller of record changes
# without an order (set by hand, or moved with its customer to another reseller), with the
# subscription (the new reseller of record set) and the previous one's id. Analytics moves
# the subscription and its licences from one reseller's figures to the other's.
on_reseller_of_record_changed: list[Callable[..., None]] = []


def reseller_of_record_changed(*, subscription: Model, previous_id: Any) -> None:
    for hook in on_reseller_of_record_changed:
        hook(subscription=subscription, previous_id=previous_id)

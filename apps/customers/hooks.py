"""What the apps above customers do when a customer's delegated reseller loses its access.

Support sits above customers (and relationships, which removes a reseller, is its peer), so
customers cannot call it: an app registers a handler here from its AppConfig.ready(), and
customer_undelegate() runs the handlers inside its transaction. A handler takes the
customer, the reseller that lost access, the actor and the request, and returns how many
rows it changed.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model

CustomerUndelegatedHandler = Callable[..., int]

# (key, handler), in registration order (the INSTALLED_APPS order).
customer_undelegated_handlers: list[tuple[str, CustomerUndelegatedHandler]] = []


def register_customer_undelegated(key: str, handler: CustomerUndelegatedHandler) -> None:
    """Run `handler(customer=..., reseller=..., actor=..., request=...)` when a customer's
    delegated reseller loses its access; once per key."""
    if all(existing != key for existing, _handler in customer_undelegated_handlers):
        customer_undelegated_handlers.append((key, handler))


def customer_undelegated(*, customer: Model, reseller: Model, actor: Any = None,
                         request: Any = None) -> dict[str, int]:
    """Run every handler; {key: rows it changed}."""
    return {key: handler(customer=customer, reseller=reseller, actor=actor, request=request)
            for key, handler in customer_undelegated_handlers}


# Called inside the transaction in which active customers of a provider are managed by
# another reseller, or by none (Change reseller, Remove access, a relationship approved, a
# partnership ended), with their ids and the reseller's before and after (None: the
# provider alone). No order records such a change: analytics moves the customers' count.
on_customers_reseller_changed: list[Callable[..., None]] = []


def customers_reseller_changed(*, provider_id: Any, customer_ids: list[Any], previous_id: Any,
                               reseller_id: Any) -> None:
    if customer_ids and previous_id != reseller_id:
        for hook in on_customers_reseller_changed:
            hook(provider_id=provider_id, customer_ids=customer_ids, previous_id=previous_id,
                 reseller_id=reseller_id)

"""What the apps above partnerships do when a partnership ends.

Customers and subscriptions sit above partnerships, so partnerships cannot call them: each
registers a handler here from its AppConfig.ready(), and partnership_end() runs the handlers
inside its transaction. A handler takes the provider and the reseller and returns how many
rows it changed; the count is stored under the handler's key in the audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from apps.organizations.models import Organization


class PartnershipEndedHandler(Protocol):
    def __call__(self, *, provider: Organization, reseller: Organization) -> int: ...


# (audit data key, handler), in registration order (the INSTALLED_APPS order).
partnership_ended_handlers: list[tuple[str, PartnershipEndedHandler]] = []


def register_partnership_ended(key: str, handler: PartnershipEndedHandler) -> None:
    """Run `handler(provider=..., reseller=...)` when a partnership ends; once per key."""
    if all(existing != key for existing, _handler in partnership_ended_handlers):
        partnership_ended_handlers.append((key, handler))


def partnership_ended(*, provider: Organization, reseller: Organization) -> dict[str, int]:
    """Run every handler; {key: rows it changed}."""
    return {key: handler(provider=provider, reseller=reseller)
            for key, handler in partnership_ended_handlers}

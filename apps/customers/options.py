"""The Customers page's indirect-reseller filter options, kept in the cache.

The list (partnered resellers and those still delegated a customer, ~200 for a large
provider) costs a query of a few milliseconds and 10 ms through widget templates; kept as
ready HTML it costs one cache read per request. It is forgotten when what it shows may
change: a partnership or a customer saved or deleted (model signals), a delegation changed
by an UPDATE (customers.services calls forget_reseller_options), a reseller renamed (every
provider's list: a generation number). It is forgotten at once, not when the transaction
commits (callbacks on commit are the outbox's: tests count them); a request that reads
between the two keeps the old list until it expires, after five minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from django.core.cache import cache

from apps.forms import options_html
from apps.organizations.roles import Kind

from .selectors import customer_reseller_choices, customer_total_key

if TYPE_CHECKING:
    from apps.organizations.models import Organization

TIMEOUT = 5 * 60
_KEY = "customers:reseller-options:v1:{}"
_GENERATION = "customers:reseller-options:v1:generation"


class ResellerOptions(NamedTuple):
    names: dict[str, str]  # reseller id: name
    html: str  # their <option>s by name, escaped


# The cache is Redis: while it is down (apps.cache misses) the list is drawn from the
# database; a write that would forget it goes on, and the list expires on its own.


def reseller_options(*, provider: Organization) -> ResellerOptions:
    return reseller_options_and_total(provider=provider)[0]


def reseller_options_and_total(*, provider: Organization) -> tuple[ResellerOptions, int | None]:
    """The options, and the provider's kept customer total (customers.selectors.customer_total
    _kept) read in the same round trip to the cache: the Customers page needs both."""
    key, total_key = _KEY.format(provider.pk), customer_total_key(provider)
    found = cache.get_many([key, _GENERATION, total_key])
    generation = found.get(_GENERATION, 0)
    kept = found.get(key)
    total = found.get(total_key)
    total = total if isinstance(total, int) else None
    if kept is not None and kept[0] == generation:
        return ResellerOptions(*kept[1]), total
    choices = [(str(pk), name) for pk, name in
               customer_reseller_choices(provider=provider).values_list("pk", "name")]
    options = ResellerOptions(dict(choices), options_html(choices))
    cache.set(key, (generation, tuple(options)), TIMEOUT)
    return options, total


def forget_reseller_options(provider_id: UUID | None) -> None:
    if provider_id is not None:
        cache.delete(_KEY.format(provider_id))


def _forget_all() -> None:
    try:
        cache.incr(_GENERATION)
    except ValueError:  # not there yet (or the cache is down: then the set is dropped)
        cache.set(_GENERATION, 1, None)


# ------------------------------------------------------------------ signal receivers


def partnership_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_reseller_options(instance.provider_id)


def customer_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_reseller_options(instance.provider_id)


def organization_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.kind == Kind.RESELLER:
        _forget_all()

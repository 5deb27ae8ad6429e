"""What apps above orders ask to hear of: orders cannot import them, so they register here
(in their AppConfig.ready()) and orders calls them."""

from collections.abc import Callable, Iterable

# Called with the order's id (a string) inside the transaction that submits the order:
# provisioning enqueues (through the outbox) the task that fulfils it.
on_order_submitted: list[Callable[[str], None]] = []


def order_submitted(order_id: str) -> None:
    for hook in on_order_submitted:
        hook(order_id)


# Called with a list of order ids (strings, at least one) inside the transaction in which
# their lines take effect: a provisioned order when it completes, a change order
# (licences, upgrade, suspension, auto-renew, cancellation…) when it is recorded, and a
# whole chunk of the term engine's renewals and expiries at once. Billing turns the lines
# into charges; analytics keeps its daily figures; both in a few statements for the whole
# list (through the outbox or in the same transaction), never per order or by querying
# every subscription. One order is a list of one: there is no other path.
on_orders_took_effect: list[Callable[[list[str]], None]] = []


def orders_took_effect(order_ids: Iterable[object]) -> None:
    ids = [str(order_id) for order_id in order_ids]
    if not ids:
        return
    for hook in on_orders_took_effect:
        hook(ids)


def order_took_effect(order_id: object) -> None:
    orders_took_effect([order_id])

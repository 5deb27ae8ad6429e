"""What apps above orders ask to hear of: orders cannot import them, so they register here
(in their AppConfig.ready()) and orders calls them."""

from collections.abc import Callable

# Called with the order's id (a string) inside the transaction that submits the order:
# provisioning enqueues (through the outbox) the task that fulfils it.
on_order_submitted: list[Callable[[str], None]] = []


def order_submitted(order_id: str) -> None:
    for hook in on_order_submitted:
        hook(order_id)


# Called with the order's id (a string) inside the transaction in which its lines take
# effect: a provisioned order when it completes, a change order (licences, upgrade,
# suspension, auto-renew, cancellation, renewal…) when it is recorded. Billing turns the
# lines into charges; analytics keeps its daily figures; both through the outbox or in
# the same transaction, never by querying every subscription.
on_order_took_effect: list[Callable[[str], None]] = []


def order_took_effect(order_id: str) -> None:
    for hook in on_order_took_effect:
        hook(order_id)

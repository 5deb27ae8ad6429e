"""What apps above orders ask to hear of: orders cannot import them, so they register here
(in their AppConfig.ready()) and orders calls them."""

from collections.abc import Callable

# Called with the order's id (a string) inside the transaction that submits the order:
# provisioning enqueues (through the outbox) the task that fulfils it.
on_order_submitted: list[Callable[[str], None]] = []


def order_submitted(order_id: str) -> None:
    for hook in on_order_submitted:
        hook(order_id)

"""Analytics tasks: they take order ids and call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def rollup_orders(order_ids):
    """Count orders whose lines took effect in the daily figures (idempotent: each order
    once, however often this runs)."""
    return services.rollup_apply_many(order_ids=order_ids)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def rollup_order(order_id):
    """One order (outbox rows written before rollup_orders took lists): rollup_orders."""
    return services.rollup_apply_many(order_ids=[order_id]) == 1


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def rollup_move(move_id):
    """Count a change of credit made without an order in the daily figures (idempotent)."""
    return services.rollup_move_apply(move_id=move_id)

"""Analytics tasks: they take an order id and call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def rollup_order(order_id):
    """Count an order whose lines took effect in the daily figures (idempotent)."""
    return services.rollup_apply(order_id=order_id)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def rollup_move(move_id):
    """Count a change of credit made without an order in the daily figures (idempotent)."""
    return services.rollup_move_apply(move_id=move_id)

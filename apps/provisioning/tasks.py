"""Provisioning tasks: they take ids only (never a password), load by id and call a service."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.utils.translation import gettext as _

from . import services

MAX_RETRIES = 6


@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=MAX_RETRIES)
def provision_order(self, order_id):
    """Provision an order; transient errors are retried with exponential backoff."""
    try:
        return services.order_provision(order_id=order_id)
    except services.TRANSIENT_ERRORS as exc:
        if self.request.retries >= MAX_RETRIES:
            services.order_provisioning_fail(
                order_id=order_id,
                error=_("A temporary error kept provisioning from finishing. Retry the order."))
            return "failed"
        raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries)) from exc


@shared_task(acks_late=True)
def requeue_stuck_orders():
    """Beat, every minute: orders left submitted or provisioning too long are enqueued again."""
    return services.orders_requeue_stuck()

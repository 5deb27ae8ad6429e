from celery import shared_task

from . import delivery


# Time-limited below the claim's lease (PORTAL_WEBHOOKS_LEASE_SECONDS): the request itself
# has PORTAL_WEBHOOKS_TIMEOUT_SECONDS.
@shared_task(acks_late=True, ignore_result=True, soft_time_limit=20, time_limit=25)
def deliver_webhook(delivery_id):
    """One attempt of a webhook delivery (claimed: a duplicate message does nothing)."""
    return delivery.deliver(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def retry_webhooks():
    """Beat, every PORTAL_OUTBOX_RELAY_SECONDS: deliveries whose next attempt has come."""
    return delivery.webhooks_retry()

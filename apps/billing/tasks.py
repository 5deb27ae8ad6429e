"""The month close (beat, on the 1st); the invoice mails it queues are in mailing.py."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .closing import month_close
from .mailing import mail_invoices
from .pricing import previous_month

__all__ = ["close_previous_month", "mail_invoices"]


@shared_task(acks_late=True, time_limit=settings.CELERY_TASK_TIME_LIMIT * 4,
             soft_time_limit=settings.CELERY_TASK_TIME_LIMIT * 4 - 30)
def close_previous_month():
    """Close the month before today's; safe to run twice, or late."""
    closed = month_close(month=previous_month(timezone.localdate()),
                         today=timezone.localdate())
    return {"invoices": closed.invoices, "statements": closed.statements,
            "monthly_charges": closed.monthly_charges}

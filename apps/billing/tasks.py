"""The month close (beat, on the 1st) and the invoice mails it queues."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.links import portal_url
from apps.mail import MailTask
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails
from apps.outbox.services import send_mail

from .closing import month_close
from .models import Invoice
from .pricing import previous_month


@shared_task(acks_late=True, time_limit=settings.CELERY_TASK_TIME_LIMIT * 4,
             soft_time_limit=settings.CELERY_TASK_TIME_LIMIT * 4 - 30)
def close_previous_month():
    """Close the month before today's; safe to run twice, or late."""
    closed = month_close(month=previous_month(timezone.localdate()),
                         today=timezone.localdate())
    return {"invoices": closed.invoices, "statements": closed.statements,
            "monthly_charges": closed.monthly_charges}


@shared_task(base=MailTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def mail_invoices(provider_id, month):
    """Each invoice the provider issued for `month`, to its recipient's admins (one mail
    per invoice and address, however often this runs)."""
    invoices = Invoice.objects.filter(issuer_id=provider_id, month=month,
                                      kind=Invoice.Kind.INVOICE).select_related("recipient")
    sent = 0
    for invoice in invoices.iterator(chunk_size=500):
        to = member_emails(organization=invoice.recipient, roles=[Role.ADMIN])
        if not to:
            continue
        link = portal_url() + reverse("billing:invoice", kwargs={
            "org_slug": invoice.recipient.slug, "invoice_id": invoice.pk})
        send_mail(f"invoice:{invoice.pk}:issued", "invoice_issued",
                  {"invoice": invoice, "link": link}, to=to)
        sent += 1
    return sent

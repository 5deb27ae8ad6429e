"""The invoice mails a month close queues (a task of its own module: closing.py queues it,
tasks.py runs the close)."""

from celery import shared_task
from django.urls import reverse

from apps.links import portal_url
from apps.mail import MailTask
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails_by_organization
from apps.outbox.services import send_mail

from .models import Invoice


@shared_task(base=MailTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def mail_invoices(provider_id, month):
    """Each invoice the provider issued for `month`, to its recipient's admins (one mail
    per invoice and address, however often this runs)."""
    invoices = Invoice.objects.filter(issuer_id=provider_id, month=month,
                                      kind=Invoice.Kind.INVOICE).select_related("recipient")
    # The admins of every recipient in one query (a month has thousands of invoices, most
    # recipients' admins are few).
    admins = member_emails_by_organization(
        organization_ids=invoices.values_list("recipient_id", flat=True), roles=[Role.ADMIN])
    sent = 0
    for invoice in invoices.iterator(chunk_size=500):
        to = admins.get(invoice.recipient_id)
        if not to:
            continue
        link = portal_url() + reverse("billing:invoice", kwargs={
            "org_slug": invoice.recipient.slug, "invoice_id": invoice.pk})
        send_mail(f"invoice:{invoice.pk}:issued", "invoice_issued",
                  {"invoice": invoice, "link": link}, to=to)
        sent += 1
    return sent

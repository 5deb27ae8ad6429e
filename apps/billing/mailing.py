"""The invoice mails a month close queues (a task of its own module: closing.py queues it,
tasks.py runs the close)."""

from celery import shared_task
from django.urls import reverse

from apps.links import portal_url
from apps.mail import MailTask
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails, member_emails_by_organization
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


@shared_task(base=MailTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def mail_statement(statement_id):
    """A statement its reseller sent, to the customer's admins (each in their language),
    with a link to its PDF on the customer's Billing page (sign-in needed: no secret in the
    link). Once per address, however often this runs."""
    statement = (Invoice.objects.filter(pk=statement_id, kind=Invoice.Kind.STATEMENT)
                 .exclude(status=Invoice.Status.DRAFT).select_related("recipient").first())
    if statement is None:
        return 0
    to = member_emails(organization=statement.recipient, roles=[Role.ADMIN])
    if not to:
        return 0
    kwargs = {"org_slug": statement.recipient.slug, "invoice_id": statement.pk}
    send_mail(f"statement:{statement.pk}:sent", "statement_sent",
              {"invoice": statement,
               "link": portal_url() + reverse("billing:invoice", kwargs=kwargs),
               "pdf_link": portal_url() + reverse("billing:invoice_pdf", kwargs=kwargs)},
              to=to)
    return len(to)

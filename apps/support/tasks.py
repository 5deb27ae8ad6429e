"""Support e-mails: one per thread entry, to the side that did not write it."""

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from apps.links import portal_url
from apps.mail import MailTask
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails
from apps.outbox.services import send_mail

from .models import SupportMessage


def _recipients(support_request, author_organization_id):
    if author_organization_id == support_request.handled_by_id:
        # The support contact wrote: tell whoever opened the request.
        opener = support_request.opened_by
        return [opener.email] if opener and opener.is_active else []
    # The customer wrote: tell the support contact's admins and helpdesk agents.
    return member_emails(organization=support_request.handled_by,
                         roles=[Role.ADMIN, Role.HELPDESK])


@shared_task(base=MailTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_support_notification(message_id):
    claimed = (SupportMessage.objects.filter(pk=message_id, notified_at__isnull=True)
               .update(notified_at=timezone.now()))
    if not claimed:
        return "skipped"
    message = (SupportMessage.objects
               .select_related("request__customer", "request__handled_by", "request__opened_by",
                               "author_organization")
               .get(pk=message_id))
    support_request = message.request
    to = _recipients(support_request, message.author_organization_id)
    if not to:
        return "nobody"
    for_handler = message.author_organization_id != support_request.handled_by_id
    workspace = support_request.handled_by if for_handler else support_request.customer
    link = portal_url() + reverse(
        "support:detail", kwargs={"org_slug": workspace.slug, "request_id": support_request.pk})
    send_mail(f"support-message:{message_id}", "support_update",
              {"message": message, "request": support_request, "link": link}, to=to)
    return "sent"

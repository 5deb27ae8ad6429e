"""Partnership request e-mails. Tasks take ids; links are signed here; nothing secret is queued."""

import logging
import smtplib

from celery import shared_task
from django.db.models import F
from django.urls import reverse

from apps.i18n import user_language
from apps.links import portal_url
from apps.mail import MailTask, sender_on_behalf_of
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails
from apps.outbox.services import send_mail

from .models import PartnershipInvitation
from .tokens import invitation_link

logger = logging.getLogger(__name__)

# Transient delivery problems are retried with exponential backoff; others fail at once.
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


# The task keeps the name it had in the resellers app: messages queued before an upgrade
# still find it.
@shared_task(base=MailTask, bind=True, acks_late=True, max_retries=MAX_RETRIES,
             name="apps.resellers.tasks.send_partnership_invitation")
def send_partnership_invitation(self, invitation_id):
    """Send one requested mail: claims it first, so a duplicate delivery sends nothing."""
    claimed = (PartnershipInvitation.objects
               .filter(pk=invitation_id, status=PartnershipInvitation.Status.PENDING,
                       mails_sent__lt=F("send_count"))
               .update(mails_sent=F("mails_sent") + 1))
    if not claimed:
        return "skipped"
    invitation = (PartnershipInvitation.objects.select_related("provider", "created_by")
                  .get(pk=invitation_id))
    # A failed delivery shows on the request (invitation_mail_outcome) and is tried again
    # by the mail relay.
    send_mail(
        f"partnership-invitation:{invitation_id}:send:{invitation.mails_sent}",
        "partnership_request",
        {"invitation": invitation, "link": invitation_link(invitation)},
        to=[invitation.email],
        from_email=sender_on_behalf_of(invitation.provider.name),
        reply_to=[invitation.created_by.email] if invitation.created_by else None,
        # A new address reads it in the language of whoever asked (as its draft).
        language=user_language(invitation.created_by),
    )
    return "sent"


@shared_task(base=MailTask, acks_late=True)
def send_invitation_answer(invitation_id):
    """Tell the provider's admins that a reseller accepted or declined: once (claimed).

    (MailTask: the claim and the mail rows commit together.)"""
    claimed = (PartnershipInvitation.objects
               .filter(pk=invitation_id, answer_notified=False,
                       status__in=[PartnershipInvitation.Status.ACCEPTED,
                                   PartnershipInvitation.Status.DECLINED])
               .update(answer_notified=True))
    if not claimed:
        return "skipped"
    invitation = (PartnershipInvitation.objects
                  .select_related("provider", "reseller", "accepted_by", "declined_by")
                  .get(pk=invitation_id))
    to = member_emails(organization=invitation.provider, roles=[Role.ADMIN])
    if not to:
        return "skipped"
    link = portal_url(reverse("partnerships:invitations",
                              kwargs={"org_slug": invitation.provider.slug}))
    send_mail(f"partnership-invitation:{invitation_id}:answer", "partnership_answer",
              {"invitation": invitation, "link": link}, to=to)
    return "sent"

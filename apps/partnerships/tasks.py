"""Partnership request e-mails. Tasks take ids; links are signed here; nothing secret is queued."""

import logging
import smtplib

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db.models import F

from apps.i18n import user_language
from apps.mail import sender_on_behalf_of
from apps.outbox.services import send_mail

from .models import PartnershipInvitation
from .tokens import invitation_link

logger = logging.getLogger(__name__)

# Transient delivery problems are retried with exponential backoff; others fail at once.
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


# The task keeps the name it had in the resellers app: messages queued before an upgrade
# still find it.
@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=MAX_RETRIES,
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

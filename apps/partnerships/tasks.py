"""Partnership request e-mails. Tasks take ids; links are signed here; nothing secret is queued."""

import logging
import smtplib

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.i18n import user_language
from apps.links import portal_url
from apps.mail import send_templated, sender_on_behalf_of
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails

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
    try:
        send_templated(
            "partnership_request",
            {"invitation": invitation, "link": invitation_link(invitation)},
            to=[invitation.email],
            from_email=sender_on_behalf_of(invitation.provider.name),
            reply_to=[invitation.created_by.email] if invitation.created_by else None,
            # A new address reads it in the language of whoever asked (as its draft).
            language=user_language(invitation.created_by),
        )
    except TRANSIENT as error:
        # Give the claim back so the retry sends it, and show the problem on the row.
        PartnershipInvitation.objects.filter(pk=invitation_id).update(
            mails_sent=F("mails_sent") - 1, last_error=f"{type(error).__name__}: {error}"[:500])
        logger.warning("partnership invitation %s: delivery failed (%s), try %d",
                       invitation_id, type(error).__name__, self.request.retries + 1)
        if self.request.retries >= MAX_RETRIES:
            raise
        raise self.retry(exc=error, countdown=min(2 ** self.request.retries * 30, 3600)) \
            from error
    PartnershipInvitation.objects.filter(pk=invitation_id).update(
        last_sent_at=timezone.now(), last_error="")
    return "sent"


@shared_task(base=DjangoTask, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_invitation_answer(invitation_id):
    """Tell the provider's admins that a reseller accepted or declined: once (claimed)."""
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
    try:
        send_templated("partnership_answer", {"invitation": invitation, "link": link}, to=to)
    except TRANSIENT:
        # Give the claim back so the retry sends it.
        PartnershipInvitation.objects.filter(pk=invitation_id).update(answer_notified=False)
        raise
    return "sent"

"""Reseller e-mails. Tasks take ids; links are signed here; nothing secret is queued."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.i18n import user_language
from apps.mail import send_templated, sender_on_behalf_of

from .models import PartnershipInvitation, Reseller
from .tokens import invitation_link

logger = logging.getLogger(__name__)

# Transient delivery problems are retried with exponential backoff; others fail at once.
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
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


def _applicant_emails(reseller):
    return list(reseller.organization.memberships.filter(role="admin")
                .values_list("user__email", flat=True))


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_enrollment_received(reseller_id):
    reseller = Reseller.objects.select_related("organization").filter(pk=reseller_id).first()
    if reseller is None:
        return "skipped"
    send_templated("enrollment_received", {"reseller": reseller},
                   to=_applicant_emails(reseller))
    return "sent"


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_enrollment_decision(reseller_id):
    reseller = Reseller.objects.select_related("organization").filter(pk=reseller_id).first()
    if reseller is None or reseller.enrollment_status == Reseller.EnrollmentStatus.APPLIED:
        return "skipped"
    link = settings.PORTAL_BASE_URL + reverse(
        "organizations:dashboard", kwargs={"org_slug": reseller.organization.slug})
    send_templated("enrollment_decision", {"reseller": reseller, "link": link},
                   to=_applicant_emails(reseller))
    return "sent"


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_relationship_notice(relationship_id):
    """The request to the customer's admins, then the answer to the provider: once each."""
    from apps.organizations.models import Membership

    from .models import ResellerRelationshipRequest as Relationship

    pending = Relationship.Status.PENDING
    claimed = (Relationship.objects.filter(pk=relationship_id, status=pending, notices_sent=0)
               .update(notices_sent=1))
    stage = "request"
    if not claimed:
        claimed = (Relationship.objects.filter(pk=relationship_id, notices_sent__lt=2)
                   .exclude(status__in=[pending, Relationship.Status.WITHDRAWN])
                   .update(notices_sent=2))
        stage = "answer"
    if not claimed:
        return "skipped"
    relationship = (Relationship.objects.select_related("provider", "customer", "reseller",
                                                        "requested_by")
                    .get(pk=relationship_id))
    if stage == "request":
        to = list(Membership.objects.filter(organization=relationship.customer, role="admin")
                  .values_list("user__email", flat=True))
        workspace = relationship.customer
        url_name = "customers:partners"
    else:
        to = [relationship.requested_by.email] if relationship.requested_by else []
        workspace = relationship.provider
        url_name = "customers:list"
    link = settings.PORTAL_BASE_URL + reverse(url_name, kwargs={"org_slug": workspace.slug})
    if to:
        send_templated(f"relationship_{stage}", {"relationship": relationship, "link": link},
                       to=to, from_email=sender_on_behalf_of(relationship.provider.name)
                       if stage == "request" else None)
    return "sent"


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_enrollment_account_exists(email, language=None):
    """Someone enrolled with an address that has an account: tell its owner how to enrol
    (in the account's language, else that of the enrolment page)."""
    link = settings.PORTAL_BASE_URL + reverse("account_login") + "?next=" + reverse("enrol")
    send_templated("enrollment_account_exists", {"link": link}, to=[email], language=language)
    return "sent"

"""Reseller enrolment e-mails. Tasks take ids; nothing secret is queued."""

import smtplib

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from apps.links import portal_url
from apps.mail import MailTask
from apps.outbox.services import send_mail

from .hooks import waiting_requests
from .models import Reseller

# Transient delivery problems are retried with exponential backoff; others fail at once.
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


def _waiting(reseller):
    """(provider name, absolute link) of each partnership request waiting for the reseller."""
    return [(name, portal_url(path)) for name, path in waiting_requests(
        organization=reseller.organization, return_to=reseller.return_to)]


def _applicant_emails(reseller):
    return list(reseller.organization.memberships.filter(role="admin")
                .values_list("user__email", flat=True))


@shared_task(base=MailTask, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_enrollment_received(reseller_id):
    reseller = Reseller.objects.select_related("organization").filter(pk=reseller_id).first()
    if reseller is None:
        return "skipped"
    send_mail(f"reseller:{reseller_id}:enrolment-received", "enrollment_received",
              {"reseller": reseller, "waiting": _waiting(reseller)},
              to=_applicant_emails(reseller))
    return "sent"


@shared_task(base=MailTask, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_enrollment_decision(reseller_id):
    reseller = Reseller.objects.select_related("organization").filter(pk=reseller_id).first()
    if reseller is None or reseller.enrollment_status == Reseller.EnrollmentStatus.APPLIED:
        return "skipped"
    link = portal_url() + reverse(
        "portal:dashboard", kwargs={"org_slug": reseller.organization.slug})
    waiting = _waiting(reseller) if reseller.is_approved else []
    send_mail(f"reseller:{reseller_id}:enrolment-decision", "enrollment_decision",
              {"reseller": reseller, "link": link, "waiting": waiting},
              to=_applicant_emails(reseller))
    return "sent"


@shared_task(base=MailTask, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES)
def send_enrollment_account_exists(email, language=None):
    """Someone enrolled with an address that has an account: tell its owner how to enrol
    (in the account's language, else that of the enrolment page)."""
    link = portal_url() + reverse("account_login") + "?next=" + reverse("enrol")
    # One such mail an hour per address, however often the enrolment is tried.
    send_mail(f"enrolment-account-exists:{timezone.now():%Y-%m-%dT%H}",
              "enrollment_account_exists", {"link": link}, to=[email], language=language)
    return "sent"

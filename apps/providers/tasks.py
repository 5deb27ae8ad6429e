"""Directory profile e-mails. Tasks take ids and claim their send first; delivery and its
retries are the mail path's (apps.outbox.services.send_mail)."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.links import portal_url
from apps.mail import MailTask
from apps.outbox.services import send_mail

from .models import ProfileChangeRequest
from .selectors import change_request_diff

logger = logging.getLogger(__name__)

Status = ProfileChangeRequest.Status


def operator_emails():
    """PORTAL_OPERATOR_EMAILS when set, else every active staff user."""
    if settings.PORTAL_OPERATOR_EMAILS:
        return list(settings.PORTAL_OPERATOR_EMAILS)
    return sorted(get_user_model().objects.filter(is_staff=True, is_active=True)
                  .exclude(email="").values_list("email", flat=True))


def _provider_admin_emails(change_request):
    return sorted(change_request.provider.organization.memberships
                  .filter(role="admin", user__is_active=True)
                  .values_list("user__email", flat=True))


def _load(change_request_id):
    return (ProfileChangeRequest.objects
            .select_related("provider__organization", "submitted_by", "decided_by")
            .prefetch_related("locations").get(pk=change_request_id))


def _send_claimed(change_request_id, claim_field, name, context_for, recipients_for):
    """Claim the send by setting `claim_field` (rolled back with the mail rows if the task
    fails before they are written: MailTask)."""
    claimed = (ProfileChangeRequest.objects
               .filter(pk=change_request_id, **{f"{claim_field}__isnull": True})
               .update(**{claim_field: timezone.now()}))
    if not claimed:
        return "skipped"
    change_request = _load(change_request_id)
    recipients = recipients_for(change_request)
    if not recipients:
        logger.warning("profile change request %s: nobody to tell (%s)", change_request_id,
                       name)
        return "no recipients"
    send_mail(f"profile-change:{change_request_id}", name, context_for(change_request),
              to=recipients)
    return "sent"


@shared_task(base=MailTask, acks_late=True)
def send_profile_change_submitted(change_request_id):
    """Tell the platform operators that a request waits for review."""
    def context(change_request):
        return {"change_request": change_request, "provider": change_request.provider,
                "diff": change_request_diff(change_request),
                "link": portal_url() + reverse(
                    "admin:providers_profilechangerequest_change",
                    args=[change_request.pk])}
    if not ProfileChangeRequest.objects.filter(pk=change_request_id).exists():
        return "skipped"
    return _send_claimed(change_request_id, "operators_notified_at",
                         "profile_change_submitted", context,
                         lambda change_request: operator_emails())


@shared_task(base=MailTask, acks_late=True)
def send_profile_change_decision(change_request_id):
    """Tell the provider's admins the outcome (approved and published, or why not)."""
    def context(change_request):
        organization = change_request.provider.organization
        return {"change_request": change_request, "provider": change_request.provider,
                "approved": change_request.status == Status.APPROVED,
                "link": portal_url() + reverse(
                    "providers:profile", kwargs={"org_slug": organization.slug}),
                "directory_link": portal_url() + reverse("directory:index")}
    decided = (ProfileChangeRequest.objects
               .filter(pk=change_request_id, status__in=[Status.APPROVED, Status.REJECTED]))
    if not decided.exists():
        return "skipped"
    return _send_claimed(change_request_id, "provider_notified_at",
                         "profile_change_decision", context, _provider_admin_emails)

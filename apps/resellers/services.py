"""Reseller enrolment and its approval: one transaction per use case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.i18n import portal_language
from apps.organizations.roles import Kind, Role
from apps.organizations.services import membership_add, organization_create
from apps.outbox.services import enqueue

from .models import Reseller
from .tasks import send_enrollment_decision, send_enrollment_received

# The enrolment states reseller_create takes (demo data creates approved resellers).
EnrollmentStatus = Reseller.EnrollmentStatus
if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Organization


@transaction.atomic
def reseller_create(*, name: str, country: str = "", partner_id: str = "",
                    slug: str | None = None,
                    enrollment_status: str = Reseller.EnrollmentStatus.APPLIED,
                    **details: Any) -> Organization:
    organization = organization_create(kind=Kind.RESELLER, name=name, country=country, slug=slug)
    Reseller.objects.create(organization=organization, partner_id=partner_id,
                            enrollment_status=enrollment_status, **details)
    return organization


@transaction.atomic
def reseller_enrol(*, user: User | None = None, email: str | None = None,
                   password: str | None = None, company_name: str, country: str,
                   partner_id: str, address: str, contact_name: str, contact_phone: str = "",
                   return_to: str = "", request: HttpRequest | None = None) -> Organization:
    """Create an applied reseller with its applicant as admin (and the account, if new)."""
    if Reseller.objects.filter(partner_id=partner_id).exists():
        raise DomainError(_("An indirect reseller with this partner id is already enrolled."),
                          field="partner_id")
    if user is None:
        if email is None:
            raise ValueError("Give the applicant's user, or the email of a new account.")
        User = get_user_model()
        email = email.strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            # The view answers as if it worked and mails the owner: no account enumeration.
            raise DomainError(_("An account with this email address exists. Sign in first, "
                              "then enrol."), field="email", code="account_exists")
        # The language of the enrolment page is the new account's (its mail speaks it).
        user = User.objects.create_user(email=email, password=password,
                                        language=portal_language(get_language()) or "")
        # Verified by allauth's confirmation mail, which the view sends after the commit.
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    organization = reseller_create(
        name=company_name, country=country, partner_id=partner_id, address=address,
        contact_name=contact_name, contact_email=user.email, contact_phone=contact_phone,
        return_to=return_to[:500])
    membership_add(organization=organization, user=user, role=Role.ADMIN, audit=False)
    record(actor=user, organization=organization, action="reseller.enrolled",
           target=organization, data={"partner_id": partner_id}, request=request)
    enqueue(send_enrollment_received, reseller_id=str(organization.pk),
            key=f"reseller:{organization.pk}:enrolment-received")
    return organization


def reseller_enrol_send_verification(*, email: str, request: HttpRequest) -> None:
    """allauth's confirmation mail for a new applicant, sent once the enrolment committed."""
    EmailAddress.objects.get(email=email.strip().lower()).send_confirmation(request, signup=True)


@transaction.atomic
def reseller_approve(*, reseller: Reseller, actor: User,
                     request: HttpRequest | None = None) -> Reseller:
    reseller = Reseller.objects.select_for_update().get(pk=reseller.pk)
    if reseller.enrollment_status == Reseller.EnrollmentStatus.APPROVED:
        return reseller
    if reseller.enrollment_status != Reseller.EnrollmentStatus.APPLIED:
        raise DomainError(_("Only an applied enrolment can be approved."))
    reseller.enrollment_status = Reseller.EnrollmentStatus.APPROVED
    reseller.enrollment_decided_at = timezone.now()
    reseller.rejection_reason = ""
    reseller.save(update_fields=["enrollment_status", "enrollment_decided_at",
                                 "rejection_reason"])
    record(actor=actor, organization=reseller.organization, action="reseller.approved",
           target=reseller.organization, request=request)
    enqueue(send_enrollment_decision, reseller_id=str(reseller.pk),
            key=f"reseller:{reseller.pk}:enrolment-decision")
    return reseller


@transaction.atomic
def reseller_reject(*, reseller: Reseller, reason: str, actor: User,
                    request: HttpRequest | None = None) -> Reseller:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the applicant a reason for the rejection."), field="reason")
    reseller = Reseller.objects.select_for_update().get(pk=reseller.pk)
    if reseller.enrollment_status != Reseller.EnrollmentStatus.APPLIED:
        raise DomainError(_("Only an applied enrolment can be rejected."))
    reseller.enrollment_status = Reseller.EnrollmentStatus.REJECTED
    reseller.enrollment_decided_at = timezone.now()
    reseller.rejection_reason = reason
    reseller.save(update_fields=["enrollment_status", "enrollment_decided_at",
                                 "rejection_reason"])
    record(actor=actor, organization=reseller.organization, action="reseller.rejected",
           target=reseller.organization, data={"reason": reason}, request=request)
    enqueue(send_enrollment_decision, reseller_id=str(reseller.pk),
            key=f"reseller:{reseller.pk}:enrolment-decision")
    return reseller

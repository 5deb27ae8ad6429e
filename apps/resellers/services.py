"""Reseller enrolment, partnership requests and partnerships: one transaction per use case."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.i18n import portal_language, recipient_languages
from apps.organizations.models import Membership
from apps.organizations.roles import Kind, Role
from apps.organizations.services import organization_create

from .models import Partnership, PartnershipInvitation, Reseller, ResellerRelationshipRequest
from .tokens import invitation_link

Status = PartnershipInvitation.Status

# ------------------------------------------------------------------ enrolment


@transaction.atomic
def reseller_create(*, name, country="", partner_id="", slug=None,
                    enrollment_status=Reseller.EnrollmentStatus.APPLIED, **details):
    organization = organization_create(kind=Kind.RESELLER, name=name, country=country, slug=slug)
    Reseller.objects.create(organization=organization, partner_id=partner_id,
                            enrollment_status=enrollment_status, **details)
    return organization


@transaction.atomic
def reseller_enrol(*, user=None, email=None, password=None, company_name, country, partner_id,
                   address, contact_name, contact_phone="", request=None):
    """Create an applied reseller with its applicant as admin (and the account, if new)."""
    from .tasks import send_enrollment_received

    if Reseller.objects.filter(partner_id=partner_id).exists():
        raise DomainError(_("An indirect reseller with this partner id is already enrolled."),
                          field="partner_id")
    if user is None:
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
        contact_name=contact_name, contact_email=user.email, contact_phone=contact_phone)
    Membership.objects.create(organization=organization, user=user, role=Role.ADMIN)
    record(actor=user, organization=organization, action="reseller.enrolled",
           target=organization, data={"partner_id": partner_id}, request=request)
    send_enrollment_received.delay_on_commit(str(organization.pk))
    return organization


def reseller_enrol_send_verification(*, email, request):
    """allauth's confirmation mail for a new applicant, sent once the enrolment committed."""
    EmailAddress.objects.get(email=email.strip().lower()).send_confirmation(request, signup=True)


@transaction.atomic
def reseller_approve(*, reseller, actor, request=None):
    from .tasks import send_enrollment_decision

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
    send_enrollment_decision.delay_on_commit(str(reseller.pk))
    return reseller


@transaction.atomic
def reseller_reject(*, reseller, reason, actor, request=None):
    from .tasks import send_enrollment_decision

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
    send_enrollment_decision.delay_on_commit(str(reseller.pk))
    return reseller


# ------------------------------------------------------------------ partnership requests


def invitation_default_draft(invitation):
    """Subject and body of the draft e-mail, with the personalized link in the body."""
    context = {"invitation": invitation, "provider": invitation.provider,
               "link": invitation_link(invitation)}
    # In the language the mail will go out in: the recipient's saved one, or (a new
    # address) the provider user's, as the mail task decides too.
    language = recipient_languages([invitation.email], fallback=get_language())[invitation.email]
    with override(language):
        subject = render_to_string("emails/partnership_request_subject.txt", context).strip()
        body = render_to_string("emails/partnership_request_draft.txt", context).strip() + "\n"
    return subject, body


def _already_partnered(provider, email):
    return Partnership.objects.filter(
        provider=provider, status=Partnership.Status.ACTIVE,
        reseller__memberships__user__email__iexact=email).exists()


@transaction.atomic
def invitation_create(*, provider, email, name="", created_by, request=None):
    email = email.strip().lower()
    if _already_partnered(provider, email):
        raise DomainError(_("%(email)s belongs to a reseller that already partners with you.")
                          % {"email": email}, field="email")
    pending = (PartnershipInvitation.objects
               .filter(provider=provider, email__iexact=email, status=Status.PENDING,
                       expires_at__gt=timezone.now()).exists())
    if pending:
        raise DomainError(_("A partnership request to %(email)s is already pending. Resend it "
                            "from the invitations list.") % {"email": email}, field="email")
    invitation = PartnershipInvitation.objects.create(
        provider=provider, created_by=created_by, email=email, name=name.strip(),
        expires_at=timezone.now() + timedelta(days=settings.PORTAL_PARTNERSHIP_INVITATION_DAYS))
    invitation.subject, invitation.message = invitation_default_draft(invitation)
    invitation.save(update_fields=["subject", "message"])
    record(actor=created_by, organization=provider, action="partnership.request_created",
           target=invitation, data={"email": email}, request=request)
    return invitation


def _lock(invitation):
    return (PartnershipInvitation.objects.select_for_update()
            .select_related("provider").get(pk=invitation.pk))


def invitation_check_open(invitation):
    if invitation.status == Status.ACCEPTED:
        raise DomainError(_("This partnership request has already been accepted."),
                          code="accepted")
    if invitation.status == Status.DECLINED:
        raise DomainError(_("This partnership request was declined."), code="declined")
    if invitation.status == Status.REVOKED:
        raise DomainError(_("This partnership request was withdrawn by the provider."),
                          code="revoked")
    if invitation.is_expired:
        raise DomainError(_("This partnership request has expired. Ask the provider for a new "
                            "one."), code="expired")


def _queue_send(invitation, actor, request, action):
    from .tasks import send_partnership_invitation

    now = timezone.now()
    if invitation.send_count >= settings.PORTAL_PARTNERSHIP_MAX_SENDS:
        raise DomainError(ngettext("This request has been sent %(n)d time, the most allowed.",
                                   "This request has been sent %(n)d times, the most allowed.",
                                   invitation.send_count)
                          % {"n": invitation.send_count}, code="rate_limited")
    wait = settings.PORTAL_PARTNERSHIP_RESEND_SECONDS
    if invitation.last_requested_at and now - invitation.last_requested_at < timedelta(
            seconds=wait):
        raise DomainError(_("It was sent a moment ago. Wait a minute before sending it again."),
                          code="rate_limited")
    invitation.send_count += 1
    invitation.last_requested_at = now
    invitation.save(update_fields=["subject", "message", "send_count", "last_requested_at"])
    record(actor=actor, organization=invitation.provider, action=action, target=invitation,
           data={"email": invitation.email, "send_count": invitation.send_count},
           request=request)
    send_partnership_invitation.delay_on_commit(str(invitation.pk))


def validate_draft(invitation, message):
    if invitation_link(invitation) not in (message or ""):
        raise DomainError(_("Keep the personalized link in the message."), field="body",
                          code="link_missing")


@transaction.atomic
def invitation_send(*, invitation, subject, message, actor, request=None):
    """Send the (edited) draft from the portal; it must keep the personalized link."""
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    validate_draft(invitation, message)
    invitation.subject = subject.strip()[:200]
    invitation.message = message
    _queue_send(invitation, actor, request, "partnership.request_sent")
    return invitation


@transaction.atomic
def invitation_resend(*, invitation, actor, request=None):
    """Send the same message and link again."""
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    _queue_send(invitation, actor, request, "partnership.request_resent")
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation, actor, request=None):
    invitation = _lock(invitation)
    if invitation.status != Status.PENDING:
        raise DomainError(_("Only a pending request can be withdrawn."))
    invitation.status = Status.REVOKED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    record(actor=actor, organization=invitation.provider, action="partnership.request_revoked",
           target=invitation, data={"email": invitation.email}, request=request)
    return invitation


def _check_reseller_can_answer(reseller_org, user):
    membership = Membership.objects.filter(organization=reseller_org, user=user,
                                           role=Role.ADMIN).first()
    if reseller_org.kind != Kind.RESELLER or membership is None:
        raise DomainError(_("Only an admin of an indirect reseller can answer this request."),
                          code="not_admin")


def invitation_check_reseller(*, invitation, reseller):
    """Refuse a reseller that cannot accept: not approved, or partners already."""
    status = Reseller.objects.get(organization=reseller).enrollment_status
    if status != Reseller.EnrollmentStatus.APPROVED:
        raise DomainError(_("%(name)s cannot accept partnerships yet: its enrolment is "
                            "%(status)s. Only approved indirect resellers can accept.")
                          % {"name": reseller.name,
                             "status": Reseller.EnrollmentStatus(status).label.lower()},
                          code="not_approved")
    if _is_partner(invitation.provider, reseller):
        raise DomainError(_("%(reseller)s and %(provider)s are already partners.")
                          % {"reseller": reseller.name, "provider": invitation.provider.name},
                          code="already_partners")


@transaction.atomic
def invitation_accept(*, invitation, user, reseller, request=None):
    """Accept for `reseller` (an organization the user administers): one partnership, once."""
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    _check_reseller_can_answer(reseller, user)
    invitation_check_reseller(invitation=invitation, reseller=reseller)
    provider = invitation.provider
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(provider=provider, reseller=reseller)
    except IntegrityError as error:  # a partnership made by another request in between
        raise DomainError(_("%(reseller)s and %(provider)s are already partners.")
                          % {"reseller": reseller.name, "provider": provider.name},
                          code="already_partners") from error
    invitation.status = Status.ACCEPTED
    invitation.decided_at = timezone.now()
    invitation.accepted_by = user
    invitation.reseller = reseller
    invitation.save(update_fields=["status", "decided_at", "accepted_by", "reseller"])
    for organization in (provider, reseller):
        record(actor=user, organization=organization, action="partnership.accepted",
               target=partnership, data={"provider": provider.name, "reseller": reseller.name},
               request=request)
    return partnership


@transaction.atomic
def invitation_decline(*, invitation, user, reseller, request=None):
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    _check_reseller_can_answer(reseller, user)
    invitation.status = Status.DECLINED
    invitation.decided_at = timezone.now()
    invitation.reseller = reseller
    invitation.save(update_fields=["status", "decided_at", "reseller"])
    for organization in (invitation.provider, reseller):
        record(actor=user, organization=organization, action="partnership.declined",
               target=invitation, data={"provider": invitation.provider.name,
                                        "reseller": reseller.name}, request=request)
    return invitation


# ------------------------------------------------------------------ partnerships


@transaction.atomic
def partnership_create(*, provider, reseller, actor=None, request=None):
    if provider.kind != Kind.PROVIDER or reseller.kind != Kind.RESELLER:
        raise DomainError(_("A partnership joins a provider and a reseller."))
    existing = Partnership.objects.filter(provider=provider, reseller=reseller,
                                          status=Partnership.Status.ACTIVE).first()
    if existing:
        return existing
    partnership = Partnership.objects.create(provider=provider, reseller=reseller)
    for organization in (provider, reseller):
        record(actor=actor, organization=organization, action="partnership.created",
               target=partnership, request=request)
    return partnership


def partnership_end_effects(partnership):
    """What ending the partnership changes: shown on the confirmation page, done by the end."""
    from apps.customers.models import Customer
    from apps.subscriptions.models import Subscription

    customers = Customer.objects.filter(provider=partnership.provider,
                                        reseller=partnership.reseller)
    support = Subscription.objects.filter(customer__provider=partnership.provider,
                                          support_contact=partnership.reseller)
    return customers, support


@transaction.atomic
def partnership_end(*, partnership, actor, request=None):
    """End a partnership: customers keep their subscriptions; the reseller loses access."""
    partnership = (Partnership.objects.select_for_update()
                   .select_related("provider", "reseller").get(pk=partnership.pk))
    if partnership.status != Partnership.Status.ACTIVE:
        raise DomainError(_("This partnership has already ended."))
    customers, support = partnership_end_effects(partnership)
    customer_count = customers.update(reseller=None)
    support_count = support.update(support_contact=partnership.provider)
    partnership.status = Partnership.Status.ENDED
    partnership.ended_at = timezone.now()
    partnership.save(update_fields=["status", "ended_at"])
    data = {"provider": partnership.provider.name, "reseller": partnership.reseller.name,
            "customers_undelegated": customer_count, "support_moved_to_provider": support_count}
    for organization in (partnership.provider, partnership.reseller):
        record(actor=actor, organization=organization, action="partnership.ended",
               target=partnership, data=data, request=request)
    return partnership


# ------------------------------------------------------------------ reseller relationships


def _is_partner(provider, reseller):
    return Partnership.objects.filter(provider=provider, reseller=reseller,
                                      status=Partnership.Status.ACTIVE).exists()


@transaction.atomic
def relationship_request_create(*, provider, customer, reseller, message="", actor,
                                request=None):
    """Ask an existing customer to let `reseller` manage it (the customer's admin answers)."""
    from .tasks import send_relationship_notice

    if customer.provider_id != provider.pk:
        raise DomainError(_("This customer is not yours."))
    if reseller.kind != Kind.RESELLER or not _is_partner(provider, reseller):
        raise DomainError(_("Choose one of your partnered indirect resellers."), field="reseller")
    if customer.reseller_id == reseller.pk:
        raise DomainError(_("%(reseller)s already manages this customer.")
                          % {"reseller": reseller.name}, field="reseller")
    pending = ResellerRelationshipRequest.objects.select_for_update().filter(
        customer=customer.organization, status=ResellerRelationshipRequest.Status.PENDING)
    if pending.exists():
        raise DomainError(_("A request is already waiting for this customer's answer. "
                            "Withdraw it first."), field="reseller")
    relationship = ResellerRelationshipRequest.objects.create(
        provider=provider, customer=customer.organization, reseller=reseller,
        message=message.strip(), requested_by=actor)
    for organization in (provider, customer.organization):
        record(actor=actor, organization=organization, action="relationship.requested",
               target=relationship, data={"reseller": reseller.name}, request=request)
    send_relationship_notice.delay_on_commit(str(relationship.pk))
    return relationship


def _lock_relationship(relationship):
    locked = (ResellerRelationshipRequest.objects.select_for_update()
              .select_related("provider", "customer", "reseller").get(pk=relationship.pk))
    if locked.status != ResellerRelationshipRequest.Status.PENDING:
        raise DomainError(_("This request has already been answered or withdrawn."))
    return locked


@transaction.atomic
def relationship_request_answer(*, relationship, approve, actor, request=None):
    """The customer's admin approves (the reseller becomes delegated admin) or declines."""
    from apps.customers.models import Customer

    from .tasks import send_relationship_notice

    relationship = _lock_relationship(relationship)
    Status_ = ResellerRelationshipRequest.Status
    if approve:
        if not _is_partner(relationship.provider, relationship.reseller):
            raise DomainError(_("%(reseller)s no longer partners with %(provider)s; this request "
                                "cannot be approved.") % {"reseller": relationship.reseller.name,
                                                          "provider": relationship.provider.name})
        Customer.objects.filter(organization=relationship.customer).update(
            reseller=relationship.reseller)
    relationship.status = Status_.APPROVED if approve else Status_.DECLINED
    relationship.decided_at = timezone.now()
    relationship.decided_by = actor
    relationship.save(update_fields=["status", "decided_at", "decided_by"])
    action = "relationship.approved" if approve else "relationship.declined"
    organizations = [relationship.provider, relationship.customer]
    if approve:
        organizations.append(relationship.reseller)
    for organization in organizations:
        record(actor=actor, organization=organization, action=action, target=relationship,
               data={"reseller": relationship.reseller.name}, request=request)
    send_relationship_notice.delay_on_commit(str(relationship.pk))
    return relationship


@transaction.atomic
def relationship_request_withdraw(*, relationship, actor, request=None):
    relationship = _lock_relationship(relationship)
    relationship.status = ResellerRelationshipRequest.Status.WITHDRAWN
    relationship.decided_at = timezone.now()
    relationship.decided_by = actor
    relationship.save(update_fields=["status", "decided_at", "decided_by"])
    for organization in (relationship.provider, relationship.customer):
        record(actor=actor, organization=organization, action="relationship.withdrawn",
               target=relationship, request=request)
    return relationship


@transaction.atomic
def customer_remove_reseller(*, customer, actor, request=None):
    """The customer's admin ends a reseller's delegated access. Subscriptions stay; the
    reseller's support designations go back to the provider."""
    from apps.customers.models import Customer
    from apps.subscriptions.models import Subscription

    customer = (Customer.objects.select_for_update(of=("self",))
                .select_related("organization", "reseller", "provider").get(pk=customer.pk))
    reseller = customer.reseller
    if reseller is None:
        raise DomainError(_("No reseller manages your account."))
    customer.reseller = None
    customer.save(update_fields=["reseller"])
    moved = Subscription.objects.filter(customer=customer, support_contact=reseller).update(
        support_contact=customer.provider)
    for organization in (customer.organization, customer.provider, reseller):
        record(actor=actor, organization=organization, action="relationship.removed",
               target=customer.organization,
               data={"reseller": reseller.name, "support_moved_to_provider": moved},
               request=request)
    return customer

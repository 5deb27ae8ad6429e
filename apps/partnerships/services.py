"""Partnership requests and partnerships: one transaction per use case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError, FieldErrors
from apps.i18n import recipient_languages
from apps.organizations.roles import Kind, Role
from apps.organizations.selectors import membership_role
from apps.organizations.services import organization_lock
from apps.outbox.services import enqueue
from apps.resellers.selectors import reseller_get
from apps.webhooks.services import emit

from .forms import PartnershipRequestForm
from .hooks import partnership_ended
from .models import Partnership, PartnershipInvitation
from .selectors import invitation_addressed_to_member, partnership_is_active
from .tasks import send_invitation_answer, send_partnership_invitation
from .tokens import invitation_link, invitation_path

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Organization

Status = PartnershipInvitation.Status

# ------------------------------------------------------------------ partnership requests


def invitation_default_draft(invitation: PartnershipInvitation) -> tuple[str, str]:
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


def _already_partnered(provider: Organization, email: str) -> bool:
    return Partnership.objects.filter(
        provider=provider, status=Partnership.Status.ACTIVE,
        reseller__memberships__user__email__iexact=email).exists()


@transaction.atomic
def invitation_create(*, provider: Organization, email: str, name: str = "", created_by: User,
                      request: HttpRequest | None = None) -> PartnershipInvitation:
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
    emit("partnership.requested", invitation, organizations=[provider], key=invitation.pk)
    return invitation


def invitation_create_data(*, provider: Organization, data: Mapping[str, Any],
                           created_by: User,
                           request: HttpRequest | None = None) -> PartnershipInvitation:
    """invitation_create from plain data (the API's New partnership request): validated by
    the Request partnership form, so the rules and messages are the page's. Raises
    FieldErrors or DomainError."""
    form = PartnershipRequestForm({name: data.get(name) for name in ("email", "name")})
    if not form.is_valid():
        raise FieldErrors({field: [str(m) for m in messages]
                           for field, messages in form.errors.items()})
    return invitation_create(provider=provider, email=form.cleaned_data["email"],
                             name=form.cleaned_data["name"], created_by=created_by,
                             request=request)


def _lock(invitation: PartnershipInvitation) -> PartnershipInvitation:
    return (PartnershipInvitation.objects.select_for_update()
            .select_related("provider").get(pk=invitation.pk))


def invitation_check_open(invitation: PartnershipInvitation) -> None:
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


def _queue_send(invitation: PartnershipInvitation, actor: User, request: HttpRequest | None,
                action: str) -> None:
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
    enqueue(send_partnership_invitation, invitation_id=str(invitation.pk),
            key=f"{INVITATION_MAIL_EVENT}{invitation.pk}:send:{invitation.send_count}")


# The mail event of a partnership request: "partnership-invitation:<id>:send:<n>".
INVITATION_MAIL_EVENT = "partnership-invitation:"


def invitation_mail_outcome(*, event: str, sent: bool, error: str) -> None:
    """Registered with apps.outbox.hooks: the request shows its last delivery (sent, or the
    error while the mail relay tries again)."""
    invitation_id = event.removeprefix(INVITATION_MAIL_EVENT).split(":", 1)[0]
    invitations = PartnershipInvitation.objects.filter(pk=invitation_id)
    if sent:
        invitations.update(last_sent_at=timezone.now(), last_error="")
    else:
        invitations.update(last_error=error[:500])


def validate_draft(invitation: PartnershipInvitation, message: str | None) -> None:
    # The path, not the whole link: a draft written on another host keeps a good link.
    if invitation_path(invitation) not in (message or ""):
        raise DomainError(_("Keep the personalized link in the message."), field="body",
                          code="link_missing")


@transaction.atomic
def invitation_send(*, invitation: PartnershipInvitation, subject: str, message: str,
                    actor: User, request: HttpRequest | None = None) -> PartnershipInvitation:
    """Send the (edited) draft from the portal; it must keep the personalized link."""
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    validate_draft(invitation, message)
    invitation.subject = subject.strip()[:200]
    invitation.message = message
    _queue_send(invitation, actor, request, "partnership.request_sent")
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: PartnershipInvitation, actor: User,
                      request: HttpRequest | None = None) -> PartnershipInvitation:
    """Send the same message and link again."""
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    _queue_send(invitation, actor, request, "partnership.request_resent")
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: PartnershipInvitation, actor: User,
                      request: HttpRequest | None = None) -> PartnershipInvitation:
    invitation = _lock(invitation)
    if invitation.status != Status.PENDING:
        raise DomainError(_("Only a pending request can be withdrawn."))
    invitation.status = Status.REVOKED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    record(actor=actor, organization=invitation.provider, action="partnership.request_revoked",
           target=invitation, data={"email": invitation.email}, request=request)
    return invitation


def _check_reseller_can_answer(reseller_org: Organization, user: User) -> None:
    role = membership_role(organization=reseller_org, user=user)
    if reseller_org.kind != Kind.RESELLER or role != Role.ADMIN:
        raise DomainError(_("Only an admin of an indirect reseller can answer this request."),
                          code="not_admin")


def invitation_check_reseller(*, invitation: PartnershipInvitation,
                              reseller: Organization) -> None:
    """Refuse a reseller that cannot accept: not approved, or partners already."""
    enrolment = reseller_get(organization=reseller)
    if not enrolment.is_approved:
        raise DomainError(_("%(name)s cannot accept partnerships yet: its enrolment is "
                            "%(status)s. Only approved indirect resellers can accept.")
                          % {"name": reseller.name,
                             "status": enrolment.get_enrollment_status_display().lower()},
                          code="not_approved")
    if partnership_is_active(provider=invitation.provider, reseller=reseller):
        raise DomainError(_("%(reseller)s and %(provider)s are already partners.")
                          % {"reseller": reseller.name, "provider": invitation.provider.name},
                          code="already_partners")


@transaction.atomic
def invitation_accept(*, invitation: PartnershipInvitation, user: User, reseller: Organization,
                      request: HttpRequest | None = None) -> Partnership:
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
    invitation.forwarded = not invitation_addressed_to_member(invitation=invitation,
                                                              reseller=reseller)
    invitation.save(update_fields=["status", "decided_at", "accepted_by", "reseller",
                                   "forwarded"])
    for organization in (provider, reseller):
        record(actor=user, organization=organization, action="partnership.accepted",
               target=partnership, data=_answer_data(invitation), request=request)
    enqueue(send_invitation_answer, invitation_id=str(invitation.pk),
            key=f"partnership-invitation:{invitation.pk}:answer")
    emit("partnership.accepted", partnership, organizations=[provider, reseller],
         key=partnership.pk)
    return partnership


def _answer_data(invitation: PartnershipInvitation) -> dict[str, str | bool]:
    assert invitation.reseller is not None
    return {"provider": invitation.provider.name, "reseller": invitation.reseller.name,
            "email": invitation.email, "forwarded": invitation.forwarded}


@transaction.atomic
def invitation_decline(*, invitation: PartnershipInvitation, user: User, reseller: Organization,
                       request: HttpRequest | None = None) -> PartnershipInvitation:
    """Decline for `reseller`: only a reseller that could accept may decline (one already
    partnered, or not approved, leaves the request open for the one it was meant for)."""
    invitation = _lock(invitation)
    invitation_check_open(invitation)
    _check_reseller_can_answer(reseller, user)
    invitation_check_reseller(invitation=invitation, reseller=reseller)
    invitation.status = Status.DECLINED
    invitation.decided_at = timezone.now()
    invitation.reseller = reseller
    invitation.declined_by = user
    invitation.forwarded = not invitation_addressed_to_member(invitation=invitation,
                                                              reseller=reseller)
    invitation.save(update_fields=["status", "decided_at", "reseller", "declined_by",
                                   "forwarded"])
    for organization in (invitation.provider, reseller):
        record(actor=user, organization=organization, action="partnership.declined",
               target=invitation, data=_answer_data(invitation), request=request)
    enqueue(send_invitation_answer, invitation_id=str(invitation.pk),
            key=f"partnership-invitation:{invitation.pk}:answer")
    emit("partnership.declined", invitation, organizations=[invitation.provider, reseller],
         key=invitation.pk)
    return invitation


# ------------------------------------------------------------------ partnerships


@transaction.atomic
def partnership_create(*, provider: Organization, reseller: Organization,
                       actor: User | None = None,
                       request: HttpRequest | None = None) -> Partnership:
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


@transaction.atomic
def partnership_end(*, partnership: Partnership, actor: User,
                    request: HttpRequest | None = None) -> Partnership:
    """End a partnership: customers keep their subscriptions; the reseller loses access.

    The reseller's delegated customers of this provider and the subscriptions it supports
    change through the handlers that customers, subscriptions and support register
    (hooks.py).

    The provider's lock comes first, the one a Submit and a provisioning run take: an order
    for this reseller is either submitted before (and its customer undelegated here, and
    provisioned without the reseller) or refused after (no longer a partner).
    """
    organization_lock(Partnership.objects.select_related("provider").get(pk=partnership.pk)
                      .provider)
    partnership = (Partnership.objects.select_for_update()
                   .select_related("provider", "reseller").get(pk=partnership.pk))
    if partnership.status != Partnership.Status.ACTIVE:
        raise DomainError(_("This partnership has already ended."))
    changed = partnership_ended(provider=partnership.provider, reseller=partnership.reseller)
    partnership.status = Partnership.Status.ENDED
    partnership.ended_at = timezone.now()
    partnership.save(update_fields=["status", "ended_at"])
    data = {"provider": partnership.provider.name, "reseller": partnership.reseller.name,
            **changed}
    for organization in (partnership.provider, partnership.reseller):
        record(actor=actor, organization=organization, action="partnership.ended",
               target=partnership, data=data, request=request)
    emit("partnership.ended", partnership,
         organizations=[partnership.provider, partnership.reseller], key=partnership.pk)
    return partnership

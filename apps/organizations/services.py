"""Organization and team use cases: each one transaction, each audited."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from apps.audit.services import record
from apps.errors import DomainError
from apps.outbox.services import enqueue

from .hooks import organization_renamed
from .models import Membership, Organization, TeamInvitation
from .roles import ROLES_BY_KIND, Kind, Role
from .selectors import organization_slug_taken

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest

    from apps.accounts.models import User


def slug_base(name: str) -> str:
    """The URL name of a workspace: Chinese characters in pinyin ('北京云' → 'bei-jing-yun'),
    other scripts as slugify leaves them, at most 60 characters cut at a hyphen; '' when
    nothing readable is left."""
    words = " ".join(lazy_pinyin(name, errors="default"))
    base = slugify(words)
    if len(base) > 60:
        base = base[:61].rsplit("-", 1)[0] if "-" in base[:61] else base[:60]
    return base.strip("-")


def _unique_slug(name: str) -> str:
    base = slug_base(name)
    if not base:
        # No letters we can spell (Cyrillic, Arabic, …): a short stable id, never "org".
        while True:
            slug = "o-" + secrets.token_hex(3)
            if not organization_slug_taken(slug):
                return slug
    slug, n = base, 1
    while organization_slug_taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def organization_create(*, kind: str, name: str, country: str = "",
                        slug: str | None = None) -> Organization:
    return Organization.objects.create(kind=kind, name=name, country=country,
                                       slug=slug or _unique_slug(name))


@transaction.atomic
def organization_rename(*, organization: Organization, name: str, actor: User | None,
                        request: HttpRequest | None = None) -> Organization:
    """A new name for the organization (its workspace slug stays). The apps that keep a copy
    of the name (hooks.py: customers) update it in the same transaction."""
    name = name.strip()
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    old = organization.name
    if old == name:
        return organization
    organization.name = name
    organization.save(update_fields=["name"])
    organization_renamed(organization=organization, name=name)
    record(actor=actor, organization=organization, action="organization.renamed",
           target=organization, data={"from": old, "to": name}, request=request)
    return organization


def organization_lock(organization: Organization, *, shared: bool = False) -> None:
    """Lock the organization's row until the caller's transaction ends: one submission at a
    time per provider, so that an idempotency check sees what a concurrent double click is
    creating.

    `shared`: a share lock (PostgreSQL's FOR SHARE): holders of it do not wait for each
    other, but they wait for, and are waited for by, the exclusive lock. For a transaction
    that only needs what the exclusive holders change (a partnership's end) to stay put
    until it commits, such as provisioning: several orders of one provider at once.
    """
    if shared and connection.vendor == "postgresql":
        table, pk = (connection.ops.quote_name(Organization._meta.db_table),
                     connection.ops.quote_name(str(Organization._meta.pk.column)))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {pk} = %s FOR SHARE",  # noqa: S608
                           [organization.pk])
        return
    Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk").first()


def membership_add(*, organization: Organization, user: User, role: str, actor: User | None = None,
                   request: HttpRequest | None = None, audit: bool = True) -> Membership:
    """Add a member (no-op when already one). `audit=False`: the caller's use case records
    its own event (a new customer's admin: `customer.admin_created`)."""
    if role not in ROLES_BY_KIND[Kind(organization.kind)]:
        raise DomainError(_("This role does not exist for this organization."), field="role")
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role})
    if created and audit:
        record(actor=actor or user, organization=organization, action="team.member_added",
               target=membership, data={"email": user.email, "role": role}, request=request)
    return membership


def _lock_admins(organization: Organization) -> list[UUID]:
    return list(Membership.objects.select_for_update()
                .filter(organization=organization, role=Role.ADMIN).values_list("pk", flat=True))


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User,
                           request: HttpRequest | None = None) -> Membership:
    organization = membership.organization
    if role not in ROLES_BY_KIND[Kind(organization.kind)]:
        raise DomainError(_("This role does not exist for this organization."), field="role")
    admins = _lock_admins(organization)
    membership.refresh_from_db()
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and admins == [membership.pk]:
        raise DomainError(_("The last admin cannot be demoted. Make another member admin first."),
                          field="role")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(actor=actor, organization=organization, action="team.role_changed", target=membership,
           data={"email": membership.user.email, "from": old, "to": role}, request=request)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User,
                      request: HttpRequest | None = None) -> None:
    organization = membership.organization
    admins = _lock_admins(organization)
    if membership.role == Role.ADMIN and admins == [membership.pk]:
        raise DomainError(_("The last admin cannot be removed. Make another member admin first."))
    user = membership.user
    record(actor=actor, organization=organization, action="team.member_removed",
           target=membership, data={"email": user.email, "role": membership.role},
           request=request)
    membership.delete()
    if user.last_organization_id == organization.pk:
        user.last_organization = None
        user.save(update_fields=["last_organization"])


@transaction.atomic
def team_invitation_create(*, organization: Organization, email: str, role: str,
                           invited_by: User, request: HttpRequest | None = None) -> TeamInvitation:
    from .tasks import send_team_invitation

    email = email.strip().lower()
    if role not in ROLES_BY_KIND[Kind(organization.kind)]:
        raise DomainError(_("This role does not exist for this organization."), field="role")
    # One invitation at a time per organization: the same address sent twice at once (a
    # double click) finds the first one below instead of breaking the unique constraint.
    organization_lock(organization)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise DomainError(_("%(email)s is already a member of this team.") % {"email": email},
                          field="email")
    if TeamInvitation.objects.filter(organization=organization, email__iexact=email,
                                     status=TeamInvitation.Status.PENDING).exists():
        raise DomainError(_("%(email)s has already been invited.") % {"email": email},
                          field="email")
    invitation = TeamInvitation.objects.create(
        organization=organization, email=email, role=role, invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.PORTAL_TEAM_INVITATION_DAYS),
    )
    record(actor=invited_by, organization=organization, action="team.invitation_created",
           target=invitation, data={"email": email, "role": role}, request=request)
    enqueue(send_team_invitation, invitation_id=str(invitation.pk),
            key=f"team-invitation:{invitation.pk}:send:{invitation.mails_requested}")
    return invitation


@transaction.atomic
def team_invitation_revoke(*, invitation: TeamInvitation, actor: User,
                           request: HttpRequest | None = None) -> TeamInvitation:
    invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != TeamInvitation.Status.PENDING:
        raise DomainError(_("This invitation is no longer pending."))
    invitation.status = TeamInvitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    record(actor=actor, organization=invitation.organization, action="team.invitation_revoked",
           target=invitation, data={"email": invitation.email}, request=request)
    return invitation


@transaction.atomic
def team_invitation_accept(*, invitation: TeamInvitation, user: User,
                           request: HttpRequest | None = None) -> Membership:
    invitation = (TeamInvitation.objects.select_for_update().select_related("organization")
                  .get(pk=invitation.pk))
    if invitation.status == TeamInvitation.Status.ACCEPTED:
        raise DomainError(_("This invitation has already been accepted."), code="accepted")
    if invitation.status != TeamInvitation.Status.PENDING:
        raise DomainError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.is_expired:
        raise DomainError(_("This invitation has expired. Ask for a new one."), code="expired")
    if invitation.email.lower() != user.email.lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}, code="wrong_user")
    if Membership.objects.filter(organization=invitation.organization, user=user).exists():
        raise DomainError(_("You are already a member of %(org)s.")
                          % {"org": invitation.organization.name}, code="member")
    membership = Membership.objects.create(organization=invitation.organization, user=user,
                                           role=invitation.role)
    invitation.status = TeamInvitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_by"])
    record(actor=user, organization=invitation.organization, action="team.invitation_accepted",
           target=membership, data={"email": user.email, "role": invitation.role},
           request=request)
    return membership


def _set_active(organization: Organization, *, active: bool, refusal: str, action: str,
                actor: User, request: HttpRequest | None) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.is_active == active:
        raise DomainError(refusal)
    organization.is_active = active
    organization.save(update_fields=["is_active"])
    record(actor=actor, organization=organization, action=action, target=organization,
           data={"name": organization.name, "kind": organization.kind}, request=request)
    return organization


@transaction.atomic
def organization_deactivate(*, organization: Organization, actor: User,
                            request: HttpRequest | None = None) -> Organization:
    """A platform operator closes a workspace: its members no longer reach it and it leaves
    every list of active organizations (directory, reseller choices). Nothing is deleted."""
    return _set_active(organization, active=False, refusal=_("Already inactive."),
                       action="organization.deactivated", actor=actor, request=request)


@transaction.atomic
def organization_reactivate(*, organization: Organization, actor: User,
                            request: HttpRequest | None = None) -> Organization:
    return _set_active(organization, active=True, refusal=_("Already active."),
                       action="organization.reactivated", actor=actor, request=request)

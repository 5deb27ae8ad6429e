"""Tenant-scoped reads of memberships and team invitations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.shortcuts import get_object_or_404

from .models import Membership, Organization, TeamInvitation

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.accounts.models import User

TEAM_INVITATION_SALT = "organizations.team-invitation"


def organization_get_by_slug(*, slug: str) -> Organization | None:
    """The organization with this workspace slug, or None."""
    return Organization.objects.filter(slug=slug).first()


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return (Membership.objects.filter(organization=organization)
            .select_related("user").order_by("user__email"))


def membership_get(*, organization: Organization, pk: UUID) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "organization"),
                             organization=organization, pk=pk)


def team_invitation_list(*, organization: Organization) -> QuerySet[TeamInvitation]:
    return (TeamInvitation.objects.filter(organization=organization,
                                          status=TeamInvitation.Status.PENDING)
            .select_related("invited_by").order_by("-created_at"))


def team_invitation_get(*, organization: Organization, pk: UUID) -> TeamInvitation:
    return get_object_or_404(TeamInvitation, organization=organization, pk=pk)


def team_invitation_token(invitation: TeamInvitation) -> str:
    return signing.dumps(str(invitation.pk), salt=TEAM_INVITATION_SALT)


def team_invitation_from_token(token: str, *, max_age: int) -> TeamInvitation | None:
    """The invitation a link names, or None when the token is tampered, malformed or too old."""
    try:
        pk = signing.loads(token, salt=TEAM_INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return (TeamInvitation.objects.select_related("organization", "invited_by")
            .filter(pk=pk).first())


def organization_list(*, kind: str | None = None) -> QuerySet[Organization]:
    """Organizations, of one kind when given: the base other apps' selectors filter."""
    organizations = Organization.objects.all()
    return organizations.filter(kind=kind) if kind else organizations


def organization_slug_taken(slug: str) -> bool:
    return Organization.objects.filter(slug=slug).exists()


def membership_role(*, organization: Organization, user: User) -> str | None:
    """The user's role in the organization, or None when not a member."""
    return (Membership.objects.filter(organization=organization, user=user)
            .values_list("role", flat=True).first())


def member_emails(*, organization: Organization, roles: Iterable[str]) -> list[str]:
    """The addresses of the organization's active members with one of `roles`, sorted."""
    return sorted(set(Membership.objects.filter(
        organization=organization, role__in=roles, user__is_active=True)
        .values_list("user__email", flat=True)))


def member_emails_by_organization(*, organization_ids: Iterable[Any],
                                  roles: Iterable[str]) -> dict[Any, list[str]]:
    """member_emails of many organizations in one query: {organization id: addresses}
    (an organization without such a member is left out)."""
    found: dict[Any, set[str]] = {}
    for organization_id, email in Membership.objects.filter(
            organization_id__in=list(organization_ids), role__in=list(roles),
            user__is_active=True).values_list("organization_id", "user__email"):
        found.setdefault(organization_id, set()).add(email)
    return {organization_id: sorted(emails) for organization_id, emails in found.items()}


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (Membership.objects.filter(user=user, organization__is_active=True)
            .select_related("organization").order_by("organization__name"))


def user_belongs_elsewhere(*, user: User, organization: Organization) -> bool:
    """True when the user is a member of any organization besides this one (active or not):
    such an account is not the organization's alone to reset or disable."""
    return Membership.objects.filter(user=user).exclude(organization=organization).exists()


def members_elsewhere(*, organization: Organization) -> set[int]:
    """The ids of the organization's members who also belong to another organization."""
    members = Membership.objects.filter(organization=organization).values("user_id")
    return set(Membership.objects.filter(user_id__in=members).exclude(organization=organization)
               .values_list("user_id", flat=True))

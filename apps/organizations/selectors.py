"""Tenant-scoped reads of memberships and team invitations."""

from django.core import signing
from django.shortcuts import get_object_or_404

from .models import Membership, Organization, TeamInvitation

TEAM_INVITATION_SALT = "organizations.team-invitation"


def organization_get_by_slug(*, slug):
    """The organization with this workspace slug, or None."""
    return Organization.objects.filter(slug=slug).first()


def membership_list(*, organization):
    return (Membership.objects.filter(organization=organization)
            .select_related("user").order_by("user__email"))


def membership_get(*, organization, pk):
    return get_object_or_404(Membership.objects.select_related("user", "organization"),
                             organization=organization, pk=pk)


def team_invitation_list(*, organization):
    return (TeamInvitation.objects.filter(organization=organization,
                                          status=TeamInvitation.Status.PENDING)
            .select_related("invited_by").order_by("-created_at"))


def team_invitation_get(*, organization, pk):
    return get_object_or_404(TeamInvitation, organization=organization, pk=pk)


def team_invitation_token(invitation):
    return signing.dumps(str(invitation.pk), salt=TEAM_INVITATION_SALT)


def team_invitation_from_token(token, *, max_age):
    """The invitation a link names, or None when the token is tampered, malformed or too old."""
    try:
        pk = signing.loads(token, salt=TEAM_INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return (TeamInvitation.objects.select_related("organization", "invited_by")
            .filter(pk=pk).first())


def organization_list(*, kind=None):
    """Organizations, of one kind when given: the base other apps' selectors filter."""
    organizations = Organization.objects.all()
    return organizations.filter(kind=kind) if kind else organizations


def organization_slug_taken(slug):
    return Organization.objects.filter(slug=slug).exists()


def membership_role(*, organization, user):
    """The user's role in the organization, or None when not a member."""
    return (Membership.objects.filter(organization=organization, user=user)
            .values_list("role", flat=True).first())


def member_emails(*, organization, roles):
    """The addresses of the organization's active members with one of `roles`, sorted."""
    return sorted(set(Membership.objects.filter(
        organization=organization, role__in=roles, user__is_active=True)
        .values_list("user__email", flat=True)))


def user_memberships(*, user):
    return (Membership.objects.filter(user=user, organization__is_active=True)
            .select_related("organization").order_by("organization__name"))

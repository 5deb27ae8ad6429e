"""Workspace home, team members and the team invitation link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.errors import DomainError

from . import selectors, services
from .access import workspace_view
from .forms import RoleForm, TeamInviteForm
from .roles import Kind, has_permission

ALL_KINDS = (Kind.PROVIDER, Kind.RESELLER, Kind.CUSTOMER)
STAFF_KINDS = (Kind.PROVIDER, Kind.RESELLER)


def home(request):
    """Signed-in users land in the organization they used last (or their first one)."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    memberships = selectors.user_memberships(user=request.user)
    last = next((m for m in memberships
                 if m.organization_id == request.user.last_organization_id), None)
    target = last or next(iter(memberships), None)
    if target is None:
        return render(request, "organizations/no_workspace.html")
    return redirect(target.organization)


@workspace_view(kinds=ALL_KINDS, permission="team.view")
def team(request):
    organization = request.organization
    can_manage = has_permission(request.membership, "team.manage")
    return render(request, "organizations/team.html", {
        "members": selectors.membership_list(organization=organization),
        "invitations": selectors.team_invitation_list(organization=organization),
        "can_manage": can_manage,
        "form": TeamInviteForm(organization=organization) if can_manage else None,
    })


@workspace_view(kinds=ALL_KINDS, permission="team.manage")
@require_http_methods(["GET", "POST"])
def team_invite(request):
    organization = request.organization
    form = TeamInviteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.team_invitation_create(
                organization=organization, email=form.cleaned_data["email"],
                role=form.cleaned_data["role"], invited_by=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") %
                             {"email": invitation.email})
            return redirect("organizations:team", org_slug=organization.slug)
    return render(request, "organizations/team_invite.html", {"form": form})


@workspace_view(kinds=ALL_KINDS, permission="team.manage")
@require_http_methods(["GET", "POST"])
def member_role(request, membership_id):
    organization = request.organization
    membership = selectors.membership_get(organization=organization, pk=membership_id)
    form = RoleForm(request.POST or None, organization=organization,
                    initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(membership=membership,
                                            role=form.cleaned_data["role"],
                                            actor=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Role of %(email)s changed.") %
                             {"email": membership.user.email})
            return redirect("organizations:team", org_slug=organization.slug)
    return render(request, "organizations/member_role.html",
                  {"form": form, "member": membership})


@workspace_view(kinds=ALL_KINDS, permission="team.manage")
@require_http_methods(["GET", "POST"])
def member_remove(request, membership_id):
    organization = request.organization
    membership = selectors.membership_get(organization=organization, pk=membership_id)
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, actor=request.user,
                                       request=request)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("%(email)s was removed from the team.") %
                             {"email": membership.user.email})
            if membership.user_id == request.user.pk:
                return redirect("home")
            return redirect("organizations:team", org_slug=organization.slug)
    return render(request, "organizations/member_remove.html",
                  {"member": membership, "error": error}, status=400 if error else 200)


@workspace_view(kinds=ALL_KINDS, permission="team.manage")
@require_POST
def invitation_revoke(request, invitation_id):
    organization = request.organization
    invitation = selectors.team_invitation_get(organization=organization, pk=invitation_id)
    try:
        services.team_invitation_revoke(invitation=invitation, actor=request.user,
                                        request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation to %(email)s withdrawn.") %
                         {"email": invitation.email})
    return redirect("organizations:team", org_slug=organization.slug)


@require_http_methods(["GET", "POST"])
def team_invitation(request, token):
    """The link in a team invitation e-mail: sign in (or sign up) as the invitee, then accept."""
    max_age = settings.PORTAL_TEAM_INVITATION_DAYS * 24 * 3600
    invitation = selectors.team_invitation_from_token(token, max_age=max_age)
    if invitation is None:
        return render(request, "organizations/team_invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    error = None
    if request.method == "POST":
        try:
            membership = services.team_invitation_accept(invitation=invitation,
                                                         user=request.user, request=request)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Welcome to %(org)s.") %
                             {"org": membership.organization.name})
            return redirect(membership.organization)
    elif invitation.status != invitation.Status.PENDING or invitation.is_expired:
        error = (_("This invitation has expired. Ask for a new one.")
                 if invitation.status == invitation.Status.PENDING
                 else _("This invitation is no longer valid."))
    status = 409 if error else 200
    return render(request, "organizations/team_invitation.html",
                  {"invitation": invitation, "error": error}, status=status)

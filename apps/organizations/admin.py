"""Operators read organizations, memberships and team invitations here; they deactivate or
reactivate an organization and revoke an invitation through the services (audited)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.admin_actions import ReadOnlyAdminMixin, apply_to_each

from .models import Membership, Organization, TeamInvitation
from .services import organization_deactivate, organization_reactivate, team_invitation_revoke


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "country", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
    actions = ["deactivate", "reactivate"]

    @admin.action(description=_("Deactivate selected organizations"), permissions=["operate"])
    def deactivate(self, request, queryset):
        apply_to_each(self, request, queryset,
                      done=ngettext_lazy("%(n)d organization deactivated.",
                                         "%(n)d organizations deactivated.", "n"),
                      act=lambda org: organization_deactivate(organization=org,
                                                              actor=request.user,
                                                              request=request))

    @admin.action(description=_("Reactivate selected organizations"), permissions=["operate"])
    def reactivate(self, request, queryset):
        apply_to_each(self, request, queryset,
                      done=ngettext_lazy("%(n)d organization reactivated.",
                                         "%(n)d organizations reactivated.", "n"),
                      act=lambda org: organization_reactivate(organization=org,
                                                              actor=request.user,
                                                              request=request))


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["user", "organization"]


@admin.register(TeamInvitation)
class TeamInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "invited_by", "created_at",
                    "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organization__name"]
    list_select_related = ["organization", "invited_by"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke selected invitations"), permissions=["operate"])
    def revoke(self, request, queryset):
        apply_to_each(self, request, queryset.select_related("organization"),
                      done=ngettext_lazy("%(n)d invitation revoked.",
                                         "%(n)d invitations revoked.", "n"),
                      act=lambda invitation: team_invitation_revoke(
                          invitation=invitation, actor=request.user, request=request))

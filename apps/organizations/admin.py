from django.contrib import admin

from .models import Membership, Organization, TeamInvitation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "country", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]


@admin.register(TeamInvitation)
class TeamInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "invited_by", "created_at",
                    "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "organization__name"]
    list_select_related = ["organization", "invited_by"]
    readonly_fields = ["invited_by", "accepted_by", "created_at"]

from django.contrib import admin

from apps.admin_actions import ReadOnlyAdmin

from .models import Partnership, PartnershipInvitation


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["provider", "reseller", "status", "accepted_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["provider__name", "reseller__name"]
    list_select_related = ["provider", "reseller"]


@admin.register(PartnershipInvitation)
class PartnershipInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "provider", "status", "created_by", "created_at", "expires_at",
                    "send_count", "last_sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["email", "name", "provider__name"]
    list_select_related = ["provider", "created_by"]

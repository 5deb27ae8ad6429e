from django.contrib import admin

from apps.admin_actions import ReadOnlyAdminMixin

from .models import SupportMessage, SupportRequest


class SupportMessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SupportMessage
    extra = 0
    fields = readonly_fields = ("created_at", "kind", "author", "author_organization", "status",
                                "body")


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: requests change through replies and status changes in the portal."""

    list_display = ["title", "customer", "handled_by", "severity", "status", "created_at",
                    "updated_at"]
    list_filter = ["status", "severity"]
    search_fields = ["title", "customer__name", "handled_by__name"]
    list_select_related = ["customer", "handled_by"]
    readonly_fields = ["customer", "subscription", "handled_by", "opened_by", "created_at",
                       "updated_at", "resolved_at"]
    inlines = [SupportMessageInline]


@admin.register(SupportMessage)
class SupportMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request", "kind", "author", "author_organization", "created_at",
                    "notified_at"]
    list_filter = ["kind"]
    search_fields = ["request__title", "body"]
    list_select_related = ["request", "author", "author_organization"]
    readonly_fields = ["request", "author", "author_organization", "created_at", "notified_at"]

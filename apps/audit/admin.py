from django.contrib import admin

from apps.admin_actions import ReadOnlyAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: operators read the log, nobody edits it."""

    list_display = ["at", "action", "organization", "actor_email", "target_repr", "ip"]
    list_filter = ["action", "organization__kind"]
    search_fields = ["action", "actor_email", "target_repr", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "at"

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: operators read the log, nobody edits it."""

    list_display = ["at", "action", "organization", "actor_email", "target_repr", "ip"]
    list_filter = ["action", "organization__kind"]
    search_fields = ["action", "actor_email", "target_repr", "organization__name"]
    list_select_related = ["organization"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.admin_actions import ReadOnlyAdminMixin, apply_to_each

from .models import OutboxMessage
from .services import outbox_send_again


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: operators see what waits for the broker and send failed messages again."""

    list_display = ["created_at", "task", "status", "attempts", "next_attempt_at", "sent_at",
                    "last_error"]
    list_filter = ["status", "task"]
    search_fields = ["task", "idempotency_key", "last_error"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description=_("Send selected messages again"), permissions=["operate"])
    def send_again(self, request, queryset):
        apply_to_each(self, request, queryset,
                      act=lambda message: outbox_send_again(message=message,
                                                            actor=request.user,
                                                            request=request),
                      done=ngettext_lazy("%(n)d message queued again.",
                                         "%(n)d messages queued again.", "n"))

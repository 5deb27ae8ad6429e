from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.admin_actions import ReadOnlyAdminMixin, apply_to_each

from .models import OutboundMail, OutboxMessage
from .services import mail_send_again, outbox_send_again


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


@admin.register(OutboundMail)
class OutboundMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: operators see each mail's delivery and send failed ones again. The bodies
    (which may carry one-time links) are never shown."""

    list_display = ["created_at", "recipient", "template", "language", "status", "attempts",
                    "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "template"]
    search_fields = ["recipient"]
    date_hierarchy = "created_at"
    fields = ["event", "template", "recipient", "language", "subject", "from_email",
              "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at"]
    actions = ["send_again"]

    @admin.action(description=_("Send selected failed mails again"), permissions=["operate"])
    def send_again(self, request, queryset):
        apply_to_each(self, request, queryset,
                      act=lambda mail: mail_send_again(mail=mail, actor=request.user,
                                                       request=request),
                      done=ngettext_lazy("%(n)d mail queued again.",
                                         "%(n)d mails queued again.", "n"))

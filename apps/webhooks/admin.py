from django.contrib import admin
from django.db import models

from .models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Read-only: endpoints are their organization's admins' (the Webhooks page)."""

    list_display = ("url", "organization", "enabled", "disabled_reason", "failing_since")
    list_filter = ("enabled",)
    search_fields = ("url", "organization__name")
    exclude = ("secret_encrypted",)
    # Endpoints are https:// (Django 6's default, said now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("message", "endpoint", "status", "attempts", "response_code",
                    "next_attempt_at")
    list_filter = ("status",)
    list_select_related = ("message", "endpoint")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

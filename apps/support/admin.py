from django.contrib import admin

from .models import SupportMessage, SupportRequest


class SupportMessageInline(admin.TabularInline):
    model = SupportMessage
    extra = 0
    fields = ["created_at", "kind", "author", "author_organization", "status", "body"]
    readonly_fields = fields
    can_delete = False


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "customer", "handled_by", "severity", "status", "created_at",
                    "updated_at"]
    list_filter = ["status", "severity"]
    search_fields = ["title", "customer__name", "handled_by__name"]
    list_select_related = ["customer", "handled_by"]
    readonly_fields = ["customer", "subscription", "handled_by", "opened_by", "created_at",
                       "updated_at", "resolved_at"]
    inlines = [SupportMessageInline]


@admin.register(SupportMessage)
class SupportMessageAdmin(admin.ModelAdmin):
    list_display = ["request", "kind", "author", "author_organization", "created_at",
                    "notified_at"]
    list_filter = ["kind"]
    search_fields = ["request__title", "body"]
    list_select_related = ["request", "author", "author_organization"]
    readonly_fields = ["request", "author", "author_organization", "created_at", "notified_at"]

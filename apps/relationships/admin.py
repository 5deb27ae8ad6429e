from django.contrib import admin

from apps.admin_actions import ReadOnlyAdmin

from .models import ResellerRelationshipRequest


@admin.register(ResellerRelationshipRequest)
class ResellerRelationshipRequestAdmin(ReadOnlyAdmin):
    list_display = ["customer", "reseller", "provider", "status", "requested_by", "created_at",
                    "decided_at"]
    list_filter = ["status"]
    search_fields = ["customer__name", "reseller__name", "provider__name"]
    list_select_related = ["customer", "reseller", "provider", "requested_by"]

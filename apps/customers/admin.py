from django.contrib import admin

from apps.admin_actions import ReadOnlyAdminMixin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: customers change through the portal's services (wizard, delegation)."""

    list_display = ["organization", "domain_prefix", "provider", "reseller", "status",
                    "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["organization__name", "domain_prefix", "contact_email"]
    list_select_related = ["organization", "provider", "reseller"]

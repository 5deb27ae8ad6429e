from django.contrib import admin

from apps.admin_actions import ReadOnlyAdminMixin

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: subscriptions change through their services, which record change orders."""

    list_display = ["offer", "customer", "quantity", "status", "reseller_of_record",
                    "support_contact", "term_end", "auto_renew"]
    list_filter = ["status", "auto_renew", "offer"]
    search_fields = ["customer__organization__name", "offer__name"]
    list_select_related = ["offer", "customer__organization", "reseller_of_record",
                           "support_contact"]

"""The ledger, read-only: orders change only through the orders services (and the tasks)."""

from django.contrib import admin

from apps.admin_actions import ReadOnlyAdminMixin

from .models import CredentialHandover, Order, OrderLine


class OrderLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = readonly_fields = ("offer", "quantity", "unit_price", "currency",
                                "reseller_of_record", "subscription")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "status", "customer", "reseller", "provider", "submitted_by",
                    "submitted_at", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["customer__organization__name", "customer__domain_prefix"]
    list_select_related = ["customer__organization", "reseller", "provider", "submitted_by"]
    readonly_fields = ["id", "provider", "customer", "reseller", "kind", "status",
                       "idempotency_key", "submitted_by", "error", "attempts", "claimed_at",
                       "submitted_at", "completed_at", "updated_at"]
    exclude = ["claim_token"]
    inlines = [OrderLineInline]


@admin.register(CredentialHandover)
class CredentialHandoverAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The encrypted secret is never shown, not even to operators.
    list_display = ["username", "reason", "order", "for_user", "created_at", "revealed_at",
                    "purged_at"]
    fields = readonly_fields = ("username", "reason", "order", "organization", "for_user",
                                "created_at", "revealed_at", "purged_at")
    list_select_related = ["order", "for_user"]
    search_fields = ["username", "for_user__email"]


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["offer", "quantity", "unit_price", "currency", "order", "subscription"]
    list_select_related = ["offer", "order", "subscription__offer"]
    search_fields = ["order__customer__organization__name", "offer__name"]
    readonly_fields = ["order", "offer", "quantity", "unit_price", "currency",
                       "reseller_of_record", "subscription"]

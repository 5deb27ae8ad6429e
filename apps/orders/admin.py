from django.contrib import admin

from .models import CredentialHandover, Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["offer", "quantity", "unit_price", "currency", "reseller_of_record",
              "subscription"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False


@admin.register(CredentialHandover)
class CredentialHandoverAdmin(admin.ModelAdmin):
    # The encrypted secret is never shown, not even to operators.
    list_display = ["username", "order", "for_user", "created_at", "revealed_at", "purged_at"]
    fields = ["username", "order", "for_user", "created_at", "revealed_at", "purged_at"]
    readonly_fields = fields
    list_select_related = ["order", "for_user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["offer", "quantity", "unit_price", "currency", "order", "subscription"]
    list_select_related = ["offer", "order", "subscription__offer"]
    readonly_fields = ["order", "offer", "quantity", "unit_price", "currency",
                       "reseller_of_record", "subscription"]

    def has_add_permission(self, request):
        return False

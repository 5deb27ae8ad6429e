"""Billing, read-only: prices, charges and invoices change only through billing's services
(an issued invoice never changes)."""

from django.contrib import admin

from apps.admin_actions import ReadOnlyAdminMixin

from .models import (
    BillingProfile,
    Charge,
    CreditNoteLine,
    Invoice,
    InvoiceCounter,
    PriceList,
    PriceRule,
    ResellerAccount,
    TaxRate,
)


@admin.register(PriceList)
class PriceListAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "owner", "is_default", "created_at"]
    search_fields = ["name", "owner__name"]
    list_select_related = ["owner"]


@admin.register(PriceRule)
class PriceRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["price_list", "offer", "margin_percent", "fixed_price", "effective_from"]
    search_fields = ["price_list__name", "price_list__owner__name", "offer__name"]
    list_select_related = ["price_list", "offer"]


@admin.register(ResellerAccount)
class ResellerAccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["provider", "reseller", "price_list", "credit_limit", "updated_at"]
    search_fields = ["provider__name", "reseller__name"]
    list_select_related = ["provider", "reseller", "price_list"]


@admin.register(TaxRate)
class TaxRateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["provider", "country", "rate"]
    search_fields = ["provider__name", "country"]
    list_select_related = ["provider"]


@admin.register(BillingProfile)
class BillingProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["organization", "tax_id"]
    search_fields = ["organization__name", "tax_id"]
    list_select_related = ["organization"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_number", "kind", "status", "issuer_name", "recipient_name",
                    "month", "total", "currency", "issued_on", "due_on", "paid_on"]
    list_filter = ["kind", "status"]
    search_fields = ["issuer_name", "recipient_name"]


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issuer", "last_number"]
    search_fields = ["issuer__name"]
    list_select_related = ["issuer"]


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["posted_on", "kind", "customer", "offer", "quantity", "period_start",
                    "period_end", "reseller_amount", "currency", "reseller", "invoice"]
    list_filter = ["kind", "currency"]
    search_fields = ["customer__name", "offer__name", "reseller__name"]
    list_select_related = ["customer", "offer", "reseller", "invoice"]
    raw_id_fields = ["subscription", "order_line", "invoice", "statement", "customer"]


@admin.register(CreditNoteLine)
class CreditNoteLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["credit_note", "charge", "amount"]
    search_fields = ["credit_note__issuer_name", "credit_note__recipient_name"]
    list_select_related = ["credit_note", "charge"]

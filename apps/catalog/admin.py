from django.contrib import admin

from .models import Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "billing_period", "term_months", "unit_price", "currency",
                    "min_licenses", "max_licenses", "is_active"]
    list_filter = ["is_active", "billing_period", "currency"]
    search_fields = ["name", "code"]
    filter_horizontal = ["upgrades_to"]
    list_editable = ["is_active"]

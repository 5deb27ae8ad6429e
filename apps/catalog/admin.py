"""Operators manage the catalog here; every add or change goes through offer_save (audited)."""

from django.contrib import admin

from .models import Offer
from .services import offer_save


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "billing_period", "term_months", "unit_price", "currency",
                    "min_licenses", "max_licenses", "is_active"]
    list_filter = ["is_active", "billing_period", "currency"]
    search_fields = ["name", "code"]
    filter_horizontal = ["upgrades_to"]
    list_editable = ["is_active"]

    def has_delete_permission(self, request, obj=None):
        # Orders and subscriptions keep their offer: an offer is retired by unticking "active".
        return False

    def save_model(self, request, obj, form, change):
        # The list's "active" column has no upgrade paths: None leaves them as they are.
        offer_save(offer=obj, upgrades_to=form.cleaned_data.get("upgrades_to"),
                   actor=request.user, request=request)

    def save_related(self, request, form, formsets, change):
        # offer_save has already set the upgrade paths (the form's many-to-many data).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

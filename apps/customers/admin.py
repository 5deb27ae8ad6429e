from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["organization", "domain_prefix", "provider", "reseller", "status",
                    "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["organization__name", "domain_prefix", "contact_email"]
    list_select_related = ["organization", "provider", "reseller"]
    autocomplete_fields = ["organization", "provider", "reseller"]

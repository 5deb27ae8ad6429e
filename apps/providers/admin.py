from django.contrib import admin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["organization", "partner_id", "website"]
    search_fields = ["organization__name", "partner_id"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff",
                    "must_change_password", "last_login", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "must_change_password"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined", "last_organization"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Password policy"), {"fields": ("must_change_password", "password_expires_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Activity"), {"fields": ("last_login", "date_joined", "last_organization")}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(
                label=db_field.verbose_name.capitalize(), required=False,
                help_text=db_field.help_text,
                choices=[("", "—"), *settings.LANGUAGES])
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

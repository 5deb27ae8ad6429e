"""Operators read accounts here and deactivate or reactivate them through the services
(audited); nothing else about an account is edited in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.admin_actions import ReadOnlyAdminMixin, apply_to_each

from .models import User
from .services import user_deactivate, user_reactivate


@admin.register(User)
class UserAdmin(ReadOnlyAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff",
                    "must_change_password", "last_login", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "must_change_password"]
    search_fields = ["email", "first_name", "last_name"]
    # No password row: its "Reset password" button would lead to a refused form.
    fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Password policy"), {"fields": ("must_change_password", "password_expires_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Activity"), {"fields": ("last_login", "date_joined", "last_organization")}),
    )
    actions = ["deactivate", "reactivate"]

    @admin.action(description=_("Deactivate selected users"), permissions=["operate"])
    def deactivate(self, request, queryset):
        apply_to_each(self, request, queryset,
                      done=ngettext_lazy("%(n)d user deactivated.",
                                         "%(n)d users deactivated.", "n"),
                      act=lambda user: user_deactivate(user=user, actor=request.user,
                                                       request=request))

    @admin.action(description=_("Reactivate selected users"), permissions=["operate"])
    def reactivate(self, request, queryset):
        apply_to_each(self, request, queryset,
                      done=ngettext_lazy("%(n)d user reactivated.",
                                         "%(n)d users reactivated.", "n"),
                      act=lambda user: user_reactivate(user=user, actor=request.user,
                                                       request=request))

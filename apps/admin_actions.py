"""Admin action bodies and the read-only admin base shared by the apps' admins."""

from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import reverse

from apps.errors import DomainError


def reject_with_reason(modeladmin, request, queryset, *, form_class, action, title,
                       explanation, describe, reject, done):
    """An intermediate page asks for the reason; then `reject(obj, reason)` runs for each
    selected row. Rows a service refuses are reported one by one; nothing else changes."""
    form = form_class(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        count = 0
        for obj in queryset:
            try:
                reject(obj, form.cleaned_data["reason"])
                count += 1
            except DomainError as error:
                modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
        if count:
            modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)
        return None
    meta = modeladmin.model._meta
    return render(request, "admin/reject_with_reason.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form,
        "explanation": explanation, "action": action, "opts": meta,
        "items": [(obj.pk, describe(obj)) for obj in queryset],
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "cancel_url": reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
    })


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators read these rows; they change only through the owning app's services (with
    an audit event), never through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

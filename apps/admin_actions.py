"""Admin building blocks shared by the apps' admins: read-only pages and service-backed actions.

The admin is no side door: operators read every table here, and change something only
through an action (or a form) that calls the owning app's service, which records an audit
event with the operator as actor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.db.models import Field, Model, URLField
from django.shortcuts import render
from django.urls import reverse

from apps.errors import DomainError

if TYPE_CHECKING:
    from django import forms
    from django.db.models import QuerySet
    from django.db.models.options import Options
    from django.http import HttpRequest, HttpResponse
    from django_stubs_ext import StrOrPromise

_M = TypeVar("_M", bound=Model)


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline: the list, search, filters and detail page stay; adding,
    saving and deleting are refused (403), so the detail page shows every field read-only
    and has no Save button.

    Fields are made read-only by Django from the missing change permission, so `fields`,
    `fieldsets` and `exclude` still decide what the page shows (secrets stay hidden).
    Actions that call services declare `permissions=["operate"]`: they need the model's
    change permission, which the closed form no longer uses.
    """

    opts: Options[Any]  # the ModelAdmin's (or inline's) this mixin comes before
    # Addresses without a scheme read as https (Django 6's default; says so now, no warning).
    formfield_overrides: ClassVar[Mapping[type[Field[Any, Any]], Mapping[str, Any]]] = {
        URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_operate_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(
            f"{opts.app_label}.{get_permission_codename('change', opts)}")


def apply_to_each(modeladmin: admin.ModelAdmin[_M], request: HttpRequest,
                  queryset: QuerySet[_M], *, act: Callable[[_M], object],
                  done: StrOrPromise) -> None:
    """Run `act(obj)` (a service call) for each selected row. Rows a service refuses are
    reported one by one; `done` (with %(n)d) reports how many went through."""
    count = 0
    for obj in queryset:
        try:
            act(obj)
            count += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if count:
        modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)


def reject_with_reason(modeladmin: admin.ModelAdmin[_M], request: HttpRequest,
                       queryset: QuerySet[_M], *, form_class: type[forms.Form], action: str,
                       title: StrOrPromise, explanation: StrOrPromise,
                       describe: Callable[[_M], object], reject: Callable[[_M, str], object],
                       done: StrOrPromise) -> HttpResponse | None:
    """An intermediate page asks for the reason; then `reject(obj, reason)` runs for each
    selected row. Rows a service refuses are reported one by one; nothing else changes."""
    form = form_class(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        apply_to_each(modeladmin, request, queryset, act=lambda obj: reject(obj, reason),
                      done=done)
        return None
    meta = modeladmin.model._meta
    return render(request, "admin/reject_with_reason.html", {
        **modeladmin.admin_site.each_context(request), "title": title, "form": form,
        "explanation": explanation, "action": action, "opts": meta,
        "items": [(obj.pk, describe(obj)) for obj in queryset],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "cancel_url": reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
    })


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A model admin that only reads (see ReadOnlyAdminMixin)."""

"""Roles per organization kind and what each role may do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .models import Membership


class Kind(models.TextChoices):
    PROVIDER = "provider", _("Indirect provider")
    RESELLER = "reseller", _("Indirect reseller")
    CUSTOMER = "customer", _("Customer")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SALES = "sales", _("Sales agent")
    HELPDESK = "helpdesk", _("Helpdesk agent")
    USER = "user", _("User")


ROLES_BY_KIND = {
    Kind.PROVIDER: [Role.ADMIN, Role.SALES, Role.HELPDESK],
    Kind.RESELLER: [Role.ADMIN, Role.SALES, Role.HELPDESK],
    Kind.CUSTOMER: [Role.ADMIN, Role.USER],
}

# Permission names are "<area>.<verb>". Views ask for one; a role without it gets 403.
_STAFF_VIEW = {"dashboard.view", "customers.view", "subscriptions.view", "orders.view",
               "partners.view", "team.view", "support.view", "support.handle"}
# A customer's users (its Users page): provider and delegated reseller staff see them, their
# helpdesk agents may also reset passwords, their admins manage them (add, disable, enable).
_USERS_VIEW = {"users.view"}
_USERS_RESET = _USERS_VIEW | {"users.reset"}
_USERS_MANAGE = _USERS_RESET | {"users.manage"}
# Billing: invoices, price lists, reseller terms and tax. Admins and sales read them;
# admins change them (and a provider's admins mark invoices paid).
_BILLING_VIEW = {"billing.view"}
_BILLING_MANAGE = _BILLING_VIEW | {"billing.manage"}
PERMISSIONS: dict[tuple[str, str], set[str]] = {
    (Kind.PROVIDER, Role.ADMIN): _STAFF_VIEW | {
        "team.manage", "audit.view", "partners.manage", "customers.manage", "orders.submit",
        "profile.manage", "api.manage", "webhooks.manage",
    } | _USERS_MANAGE | _BILLING_MANAGE,
    (Kind.PROVIDER, Role.SALES): _STAFF_VIEW | {"customers.manage", "orders.submit"} | _USERS_VIEW
    | _BILLING_VIEW,
    (Kind.PROVIDER, Role.HELPDESK): _STAFF_VIEW | _USERS_RESET,
    (Kind.RESELLER, Role.ADMIN): _STAFF_VIEW | {
        "team.manage", "audit.view", "partners.manage", "customers.manage", "orders.submit",
        "api.manage", "webhooks.manage",
    } | _USERS_MANAGE | _BILLING_MANAGE,
    (Kind.RESELLER, Role.SALES): _STAFF_VIEW | {"customers.manage", "orders.submit"} | _USERS_VIEW
    | _BILLING_VIEW,
    (Kind.RESELLER, Role.HELPDESK): _STAFF_VIEW | _USERS_RESET,
    (Kind.CUSTOMER, Role.ADMIN): {"dashboard.view", "subscriptions.view", "partners.view",
                                  "partners.manage", "team.view", "team.manage", "support.view",
                                  "support.open"} | _USERS_MANAGE | _BILLING_VIEW,
    (Kind.CUSTOMER, Role.USER): {"dashboard.view", "subscriptions.view", "partners.view",
                                 "support.view", "support.open"},
}


def role_choices(kind: str) -> list[tuple[str, StrOrPromise]]:
    return [(role.value, role.label) for role in ROLES_BY_KIND[Kind(kind)]]


def has_permission(membership: Membership | None, permission: str) -> bool:
    if membership is None:
        return False
    return permission in PERMISSIONS.get((membership.organization.kind, membership.role), set())

"""The Dashboard menu of each kind of workspace (labels from the source document)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Kind, has_permission

# (label, URL name, permission needed to see the entry)
MENUS = {
    Kind.PROVIDER: [
        (_("Dashboard"), "portal:dashboard", "dashboard.view"),
        (_("Indirect resellers"), "partnerships:list", "partners.view"),
        (_("Reseller analytics"), "analytics:page", "partners.view"),
        (_("Customers"), "customers:list", "customers.view"),
        (_("Orders"), "orders:list", "orders.view"),
        (_("Billing"), "billing:list", "billing.view"),
        (_("Price lists"), "billing:price_lists", "billing.view"),
        (_("Directory profile"), "providers:profile", "profile.manage"),
        (_("Support queue"), "support:list", "support.handle"),
        (_("Team"), "organizations:team", "team.view"),
        (_("API keys"), "apikeys:list", "api.manage"),
        (_("Webhooks"), "webhooks:list", "webhooks.manage"),
        (_("Audit log"), "portal:audit_log", "audit.view"),
    ],
    Kind.RESELLER: [
        (_("Dashboard"), "portal:dashboard", "dashboard.view"),
        (_("Providers"), "partnerships:providers", "partners.view"),
        (_("Incentives"), "incentives:list", "partners.view"),
        (_("Analytics"), "analytics:page", "partners.view"),
        (_("Customers"), "customers:list", "customers.view"),
        (_("Billing"), "billing:list", "billing.view"),
        (_("Price list"), "billing:price_lists", "billing.view"),
        (_("Support queue"), "support:list", "support.handle"),
        (_("Team"), "organizations:team", "team.view"),
        (_("API keys"), "apikeys:list", "api.manage"),
        (_("Webhooks"), "webhooks:list", "webhooks.manage"),
        (_("Audit log"), "portal:audit_log", "audit.view"),
    ],
    Kind.CUSTOMER: [
        (_("Dashboard"), "portal:dashboard", "dashboard.view"),
        (_("Subscriptions"), "subscriptions:list", "subscriptions.view"),
        (_("Partners"), "relationships:partners", "partners.view"),
        (_("Support"), "support:list", "support.open"),
        (_("Users"), "users:list", "users.view"),
        (_("Billing"), "billing:list", "billing.view"),
        (_("Team"), "organizations:team", "team.view"),
    ],
}


def menu_for(membership, current_url_name=None):
    organization = membership.organization
    items = []
    for label, url_name, permission in MENUS[Kind(organization.kind)]:
        if has_permission(membership, permission):
            items.append({
                "label": label,
                "url": reverse(url_name, kwargs={"org_slug": organization.slug}),
                "active": url_name == current_url_name,
            })
    return items

"""The Customers page's columns (apps.lists); its rows are drawn by
customers/partials/region.html in one loop."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from apps.i18n import name_order
from apps.lists import Column
from apps.organizations.roles import Kind

_END = "text-end"


# Sorting by these columns breaks ties by company name, always A to Z; customers without a
# reseller come last either way.
def _then_by_company(field):
    def order(queryset, descending):
        column = F(field)
        key = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
        return queryset.order_by(key, name_order("name"), "pk")
    return order


def _by_company(queryset, descending):
    """Company names by pinyin where the database can (apps.i18n.name_order); Z to A
    breaks ties backwards too, so that the (…, name, pk) index is read backwards."""
    return queryset.order_by(name_order("name", descending=descending),
                             "-pk" if descending else "pk")


def customer_columns(organization):
    """A provider sees each customer's reseller; a reseller sees each one's provider."""
    other = (Column("reseller", _("Indirect reseller"), _then_by_company("reseller__name"))
             if organization.kind == Kind.PROVIDER else
             Column("provider", _("Provider"), _then_by_company("provider__name")))
    return [
        Column("expand", _("Details"), css="expand-cell"),
        Column("company", _("Company"), _by_company),
        Column("domain_prefix", _("Domain"), ("domain_prefix",)),
        other,
        Column("subscription_count", _("Subscriptions"),
               _then_by_company("subscription_count"), css=_END),
        Column("license_count", _("Licenses"), _then_by_company("license_count"), css=_END),
        Column("created_at", _("Created"), ("created_at", "pk")),
    ]

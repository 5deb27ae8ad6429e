"""The Customers page's columns (apps.lists) and its rows' HTML: customers/partials/region.html
draws the page's rows in one loop, each row made here with format_html.

Why not the template: a row has sixteen values, and the template engine costs each one
some fifty Python calls (lookups, localisation, escaping): 20,800 calls for the 25 rows,
the half of a whole page's. format_html escapes the same values in one pass per row.
"""

from django.db.models import F
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.timezone import localtime
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


# The two rows of each customer: its own, and the one its down arrow expands (the company
# link works without JavaScript). The markup is the region's; ids and labels as before.
_ROW = (
    '<tr id="customer-{id}">\n'
    '    <td class="expand-cell"><button type="button" class="btn btn-sm btn-outline-secondary'
    ' expand-toggle" hidden aria-expanded="false" aria-controls="customer-{id}-details"'
    ' data-expand-url="{url}summary/"><span class="expand-arrow" aria-hidden="true">▾</span>'
    '<span class="visually-hidden">{expand}</span></button></td>\n'
    '    <td><span class="name-cell" title="{name}"><a href="{url}">{name}</a></span>{badge}</td>\n'
    '    <td>{domain}</td>\n'
    '    <td>{other}</td>\n'
    '    <td class="text-end">{subscriptions}</td>\n'
    '    <td class="text-end">{licenses}</td>\n'
    '    <td>{created}</td>\n'
    '  </tr>\n'
    '  <tr id="customer-{id}-details" class="customer-details" hidden>\n'
    '    <td colspan="7"><div data-expand-body><a href="{url}">{open}</a></div></td>\n'
    '  </tr>'
)
_BADGE = ' <span class="badge {css}">{label}</span>'


def customer_row(customer, *, url, other, expand, open_):
    """A customer's rows of the Customers page, escaped; `expand` and `open_` are the
    translated "Expand %(name)s" and "Open %(name)s"."""
    name = customer.name
    badge = ""
    if customer.status != "active":
        badge = format_html(_BADGE, label=customer.get_status_display(),
                            css="text-bg-danger" if customer.status == "failed"
                            else "text-bg-secondary")
    return format_html(
        _ROW, id=customer.pk, url=url, name=name, badge=badge, domain=customer.domain_prefix,
        other=other, subscriptions=localize(customer.subscription_count),
        licenses=localize(customer.license_count),
        created=date_format(localtime(customer.created_at), "SHORT_DATE_FORMAT"),
        expand=expand % {"name": name}, open=open_ % {"name": name})

"""The Customers page's columns (apps.lists) and its rows' HTML: customers/partials/region.html
draws the page's rows in one loop, each row made here (CustomerRows).

Why not the template: a row has sixteen values, and the template engine costs each one
some fifty Python calls (lookups, localisation, escaping): 20,800 calls for the 25 rows,
the half of a whole page's. Here the same values are escaped in one pass per row.
"""

from html import escape

from django.db.models import F, OuterRef
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.i18n import name_order
from apps.lists import Column, RowCells
from apps.organizations.roles import Kind
from apps.subscriptions.selectors import subscription_totals

_END = "text-end"


# Sorting by these columns breaks ties by company name, always A to Z; customers without a
# reseller come last either way.
def _then_by_company(field):
    def order(queryset, descending):
        column = F(field)
        key = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
        return queryset.order_by(key, name_order("name"), "pk")
    return order


def _then_by_total(total):
    """A sort by a customer's open subscriptions or active licenses: the list's rows are
    bare keys (customers.selectors.customer_keys), so the total is worked out here, for
    the sort only."""
    by_total = _then_by_company(total)

    def order(queryset, descending):
        if total not in queryset.query.annotations:
            queryset = queryset.annotate(**{
                total: subscription_totals(customer=OuterRef("pk"))[total]})
        return by_total(queryset, descending)
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
               _then_by_total("subscription_count"), css=_END),
        Column("license_count", _("Licenses"), _then_by_total("license_count"), css=_END),
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


class CustomerRows(RowCells):
    """Draws the Customers page's rows (customers.selectors.CustomerRow), escaped: made once
    per request with what every row shares (the list's URL, the translated labels), then
    called per customer.

    Each value is escaped by html.escape (what django.utils.html.escape does), and a number
    or a date is localized once per distinct value (a date once per process: RowCells):
    format_html with localize() and date_format() per row cost 360 Python calls a row, a
    quarter of the page's.
    """

    def __init__(self, *, customers_url, direct, expand, open_):
        super().__init__()
        self.url = escape(customers_url)
        self.direct = escape(direct)
        self.expand, self.open = expand, open_  # "Expand %(name)s", "Open %(name)s"
        self.badges = {}

    def _badge(self, customer):
        if customer.status == "active":
            return ""
        badge = self.badges.get(customer.status)
        if badge is None:
            badge = self.badges[customer.status] = format_html(
                _BADGE, label=customer.get_status_display(),
                css="text-bg-danger" if customer.status == "failed" else "text-bg-secondary")
        return badge

    def __call__(self, customer):
        name = customer.name
        url = f"{self.url}{customer.pk}/"
        return mark_safe(_ROW.format(  # noqa: S308 (every value escaped above or here)
            id=customer.pk, url=url, name=escape(name), badge=self._badge(customer),
            domain=escape(customer.domain_prefix),
            other=self.direct if customer.other is None else escape(customer.other),
            subscriptions=self._number(customer.subscription_count),
            licenses=self._number(customer.license_count),
            created=self._date(customer.created_at),
            expand=escape(self.expand % {"name": name}),
            open=escape(self.open % {"name": name})))

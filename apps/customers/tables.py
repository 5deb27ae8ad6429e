"""The Customers page's table (django-tables2)."""

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.i18n import name_order

from .models import Customer

_END = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class CustomerTable(tables.Table):
    expand = tables.Column(accessor="pk", verbose_name=_("Details"), orderable=False,
                           attrs={"th": {"class": "expand-cell"},
                                  "td": {"class": "expand-cell"}})
    company = tables.Column(accessor="organization__name", verbose_name=_("Company"),
                            order_by=("name", "pk"))
    domain_prefix = tables.Column(verbose_name=_("Domain"), order_by=("domain_prefix",))
    reseller = tables.Column(accessor="reseller__name", verbose_name=_("Indirect reseller"),
                             default=_("none (direct)"))
    provider = tables.Column(accessor="provider__name", verbose_name=_("Provider"))
    subscription_count = tables.Column(verbose_name=_("Subscriptions"), attrs=_END)
    license_count = tables.Column(verbose_name=_("Licenses"), attrs=_END)
    created_at = tables.Column(verbose_name=_("Created"), order_by=("created_at", "pk"))

    class Meta:
        model = Customer
        fields = ()
        sequence = ("expand", "company", "domain_prefix", "reseller", "provider",
                    "subscription_count", "license_count", "created_at")
        template_name = "customers/partials/table.html"
        # Said outright: the selector's default order (pinyin collation) is an expression
        # that django-tables2 cannot read back, and its header links start from it.
        order_by = ("company",)
        attrs = {"class": "table table-striped align-middle customers-table",
                 "aria-label": _("Customers")}
        row_attrs = {"id": lambda record: f"customer-{record.pk}"}
        empty_text = _("No customers match. Change the search or the reseller filter.")

    # Sorting by these columns breaks ties by company name, always A to Z; customers without
    # a reseller come last either way.
    @staticmethod
    def _then_by_company(queryset, field, is_descending):
        column = F(field)
        key = column.desc(nulls_last=True) if is_descending else column.asc(nulls_last=True)
        return queryset.order_by(key, name_order("name"), "pk"), True

    def order_company(self, queryset, is_descending):
        """Company names by pinyin where the database can (apps.i18n.name_order); Z to A
        breaks ties backwards too, so that the (…, name, pk) index is read backwards."""
        return queryset.order_by(name_order("name", descending=is_descending),
                                 "-pk" if is_descending else "pk"), True

    def order_reseller(self, queryset, is_descending):
        return self._then_by_company(queryset, "reseller__name", is_descending)

    def order_provider(self, queryset, is_descending):
        return self._then_by_company(queryset, "provider__name", is_descending)

    def order_subscription_count(self, queryset, is_descending):
        return self._then_by_company(queryset, "subscription_count", is_descending)

    def order_license_count(self, queryset, is_descending):
        return self._then_by_company(queryset, "license_count", is_descending)

    def __init__(self, *args, organization, **kwargs):
        # A provider sees each customer's reseller; a reseller sees each one's provider.
        exclude = ("provider",) if organization.kind == "provider" else ("reseller",)
        super().__init__(*args, exclude=exclude, **kwargs)
        self.organization = organization

    # Cells are built here rather than by TemplateColumns: a template per cell costs a
    # template context (and its context processors) per cell.
    def _url(self, name, record):
        return reverse(name, kwargs={"org_slug": self.organization.slug,
                                     "customer_id": record.pk})

    def render_expand(self, record):
        """The down arrow: a real button, shown by portal.js (the company link works without
        JavaScript)."""
        return format_html(
            '<button type="button" class="btn btn-sm btn-outline-secondary expand-toggle" '
            'hidden aria-expanded="false" aria-controls="customer-{}-details" '
            'data-expand-url="{}"><span class="expand-arrow" aria-hidden="true">▾</span>'
            '<span class="visually-hidden">{}</span></button>',
            record.pk, self._url("customers:summary", record),
            _("Expand %(name)s") % {"name": record.organization.name})

    def render_company(self, record):
        # A long name stays on one line, cut short; its title tells it in full.
        link = format_html('<span class="name-cell" title="{}"><a href="{}">{}</a></span>',
                           record.organization.name, self._url("customers:detail", record),
                           record.organization.name)
        if record.status == record.Status.ACTIVE:
            return link
        colour = "text-bg-danger" if record.status == record.Status.FAILED else (
            "text-bg-secondary")
        return format_html('{} <span class="badge {}">{}</span>', link, colour,
                           record.get_status_display())

    def render_created_at(self, value):
        return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")

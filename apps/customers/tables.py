"""The Customers page's table (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Customer

_END = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class CustomerTable(tables.Table):
    expand = tables.TemplateColumn(template_name="customers/partials/expand_button.html",
                                   verbose_name=_("Details"), orderable=False,
                                   attrs={"th": {"class": "expand-cell"},
                                          "td": {"class": "expand-cell"}})
    company = tables.TemplateColumn(template_name="customers/partials/company_cell.html",
                                    verbose_name=_("Company"),
                                    order_by=("organization__name", "pk"))
    domain_prefix = tables.Column(verbose_name=_("Domain"), order_by=("domain_prefix",))
    reseller = tables.Column(accessor="reseller__name", verbose_name=_("Indirect reseller"),
                             default=_("none (direct)"),
                             order_by=("reseller__name", "organization__name", "pk"))
    provider = tables.Column(accessor="provider__name", verbose_name=_("Provider"),
                             order_by=("provider__name", "organization__name", "pk"))
    subscription_count = tables.Column(verbose_name=_("Subscriptions"), attrs=_END,
                                       order_by=("subscription_count", "organization__name",
                                                 "pk"))
    license_count = tables.Column(verbose_name=_("Licenses"), attrs=_END,
                                  order_by=("license_count", "organization__name", "pk"))
    created_at = tables.DateColumn(verbose_name=_("Created"), format="SHORT_DATE_FORMAT",
                                   order_by=("created_at", "pk"))

    class Meta:
        model = Customer
        fields = ()
        sequence = ("expand", "company", "domain_prefix", "reseller", "provider",
                    "subscription_count", "license_count", "created_at")
        template_name = "customers/partials/table.html"
        attrs = {"class": "table table-striped align-middle customers-table",
                 "aria-label": _("Customers")}
        row_attrs = {"id": lambda record: f"customer-{record.pk}"}
        empty_text = _("No customers match. Change the search or the reseller filter.")

    def __init__(self, *args, organization, **kwargs):
        # A provider sees each customer's reseller; a reseller sees each one's provider.
        exclude = ("provider",) if organization.kind == "provider" else ("reseller",)
        super().__init__(*args, exclude=exclude, **kwargs)

"""The Orders page's table (django-tables2)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Order


class OrderTable(tables.Table):
    submitted_at = tables.TemplateColumn(
        template_name="orders/partials/submitted_cell.html", verbose_name=_("Submitted"),
        order_by=("submitted_at", "pk"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "-submitted_at", "pk"))
    customer = tables.TemplateColumn(
        template_name="orders/partials/customer_cell.html", verbose_name=_("Customer"),
        order_by=("customer__organization__name", "-submitted_at", "pk"))
    reseller = tables.Column(accessor="reseller__name", verbose_name=_("Indirect reseller"),
                             default=_("none (direct)"),
                             order_by=("reseller__name", "-submitted_at", "pk"))
    submitted_by = tables.Column(accessor="submitted_by__email", verbose_name=_("Submitted by"),
                                 default="—", orderable=False)
    line_count = tables.Column(verbose_name=_("Lines"), orderable=False,
                               attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    status = tables.TemplateColumn(template_name="orders/partials/status_cell.html",
                                   verbose_name=_("Status"),
                                   order_by=("status", "-submitted_at", "pk"))

    class Meta:
        model = Order
        fields = ()
        sequence = ("submitted_at", "kind", "customer", "reseller", "submitted_by",
                    "line_count", "status")
        template_name = "partials/table.html"
        attrs = {"class": "table table-striped align-middle", "aria-label": _("Orders")}
        empty_text = _("No orders match. Change the status or kind filter.")

"""The Orders page's table (django-tables2). Cells are built in Python: a template per cell
costs a template context per cell."""

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Order

_BADGES = {Order.Status.COMPLETED: "text-bg-success", Order.Status.FAILED: "text-bg-danger"}


class OrderTable(tables.Table):
    submitted_at = tables.Column(verbose_name=_("Submitted"), order_by=("submitted_at", "pk"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "-submitted_at", "pk"))
    customer = tables.Column(accessor="customer__organization__name", verbose_name=_("Customer"),
                             order_by=("customer__organization__name", "-submitted_at", "pk"))
    reseller = tables.Column(accessor="reseller__name", verbose_name=_("Indirect reseller"),
                             default=_("none (direct)"),
                             order_by=("reseller__name", "-submitted_at", "pk"))
    submitted_by = tables.Column(accessor="submitted_by__email", verbose_name=_("Submitted by"),
                                 default="—", orderable=False)
    line_count = tables.Column(verbose_name=_("Lines"), orderable=False,
                               attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-submitted_at", "pk"))

    class Meta:
        model = Order
        fields = ()
        sequence = ("submitted_at", "kind", "customer", "reseller", "submitted_by",
                    "line_count", "status")
        template_name = "partials/table.html"
        attrs = {"class": "table table-striped align-middle", "aria-label": _("Orders")}
        empty_text = _("No orders match. Change the status or kind filter.")

    def __init__(self, *args, organization, can_retry, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.can_retry = can_retry

    def _url(self, name, **kwargs):
        return reverse(name, kwargs={"org_slug": self.organization.slug, **kwargs})

    def render_submitted_at(self, record):
        return format_html('<a href="{}">{}</a>',
                           self._url("orders:confirmation", order_id=record.pk),
                           date_format(timezone.localtime(record.submitted_at),
                                       "SHORT_DATETIME_FORMAT"))

    def render_kind(self, record):
        return record.get_kind_display()

    def render_customer(self, record):
        return format_html('<a href="{}">{}</a>',
                           self._url("customers:detail", customer_id=record.customer_id),
                           record.customer.organization.name)

    def render_status(self, record):
        badge = format_html('<span class="badge {}">{}</span>',
                            _BADGES.get(record.status, "text-bg-secondary"),
                            record.get_status_display())
        if record.status != Order.Status.FAILED:
            return badge
        error = format_html('<div class="small text-danger-emphasis mt-1">{}</div>',
                            record.error)
        if not self.can_retry:
            return format_html("{}{}", badge, error)
        return format_html(
            '{}{}<form method="post" class="mt-1" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="btn btn-sm btn-outline-primary">{}'
            '<span class="visually-hidden"> {}</span></button></form>',
            badge, error, self._url("provisioning:retry", order_id=record.pk),
            get_token(self.request), gettext("Retry"),
            gettext("the order for %(name)s") % {"name": record.customer.organization.name})

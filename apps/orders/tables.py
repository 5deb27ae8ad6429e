"""The Orders page's columns (apps.lists); its rows are drawn by orders/partials/region.html
in one loop."""

from django.utils.translation import gettext_lazy as _

from apps.lists import Column

ORDER_COLUMNS = [
    Column("submitted_at", _("Submitted"), ("submitted_at", "pk")),
    Column("kind", _("Kind"), ("kind", "-submitted_at", "pk")),
    Column("customer", _("Customer"), ("customer__organization__name", "-submitted_at", "pk")),
    Column("reseller", _("Indirect reseller"), ("reseller__name", "-submitted_at", "pk")),
    Column("submitted_by", _("Submitted by")),
    Column("line_count", _("Lines"), css="text-end"),
    Column("status", _("Status"), ("status", "-submitted_at", "pk")),
]

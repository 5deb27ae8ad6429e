"""The delivery log's columns (apps.lists); rows drawn by webhooks/partials/deliveries.html."""

from django.utils.translation import gettext_lazy as _

from apps.lists import Column

DELIVERY_COLUMNS = [
    Column("created_at", _("Time"), ("created_at", "pk")),
    Column("type", _("Event"), ("message__type", "-created_at", "pk")),
    Column("status", _("Status"), ("status", "-created_at", "pk")),
    Column("response_code", _("Response code"), ("response_code", "-created_at", "pk")),
    Column("duration_ms", _("Duration"), ("duration_ms", "-created_at", "pk"), css="text-end"),
    Column("attempts", _("Attempts"), ("attempts", "-created_at", "pk"), css="text-end"),
    Column("actions", ""),
]

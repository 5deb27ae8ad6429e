"""The columns (apps.lists) of the Indirect resellers page's tables; their rows are drawn by
partnerships/list.html and partnerships/invitations.html in one loop each."""

from django.utils.translation import gettext_lazy as _

from apps.i18n import name_order
from apps.lists import Column

_END = "text-end"


def _by_name(queryset, descending):
    """Reseller names by pinyin where the database can (apps.i18n.name_order)."""
    return queryset.order_by(name_order("reseller__name", descending=descending), "pk")


PARTNERSHIP_COLUMNS = [
    Column("name", _("Name"), _by_name),
    Column("partner_id", _("Partner id"), ("reseller__reseller__partner_id", "pk")),
    Column("country", _("Country"), ("reseller__country", "pk")),
    Column("accepted_at", _("Partnership since"), ("accepted_at", "pk")),
    Column("customer_count", _("Customers"), ("customer_count", "pk"), css=_END),
    Column("subscription_count", _("Subscriptions (reseller of record)"),
           ("subscription_count", "pk"), css=_END),
    Column("actions", _("Actions")),
]

INVITATION_COLUMNS = [
    Column("email", _("Sent to"), ("email", "pk")),
    Column("name", _("Name"), ("name", "pk")),
    Column("status", _("Status"), ("status", "pk")),
    Column("answered", _("Answered by")),
    Column("created_by", _("Created by"), ("created_by__email", "pk")),
    Column("created_at", _("Created"), ("created_at", "pk")),
    Column("expires_at", _("Expires"), ("expires_at", "pk")),
    Column("send_count", _("Sent"), ("send_count", "pk"), css=_END),
    Column("actions", _("Actions")),
]

STATUS_COLOURS = {"pending": "primary", "accepted": "success", "declined": "secondary",
                  "revoked": "secondary", "expired": "warning"}


def answered_summary(record):
    """Who answered a request: "accepted by <reseller>" (and where it was sent when it was
    forwarded), or None while nobody has."""
    if record.status not in ("accepted", "declined") or record.reseller is None:
        return None
    values = {"reseller": record.reseller.name, "email": record.email}
    if record.forwarded:
        summary = (_("accepted by %(reseller)s (sent to %(email)s)")
                   if record.status == "accepted"
                   else _("declined by %(reseller)s (sent to %(email)s)"))
    else:
        summary = (_("accepted by %(reseller)s") if record.status == "accepted"
                   else _("declined by %(reseller)s"))
    return summary % values

"""The columns (apps.lists) of the Indirect resellers page's tables; their rows are drawn by
partnerships/list.html and partnerships/invitations.html in one loop each (the partners'
rows made here with format_html: no template lookups, filters or `{% url %}` per cell)."""

from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from apps.i18n import name_order
from apps.lists import Column, RowCells

from .models import Partnership
from .selectors import PartnerRow

_END = "text-end"


def _by_name(queryset, descending):
    """Reseller names by pinyin where the database can (apps.i18n.name_order), read by
    selectors.partnership_keys' `reseller_name`."""
    return queryset.order_by(name_order("reseller_name", descending=descending), "pk")


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


_PARTNER_ROW = (
    '<tr>\n'
    '  <td><span class="name-cell" title="{name}">{name}</span></td>\n'
    '  <td>{partner_id}</td>\n'
    '  <td>{country}</td>\n'
    '  <td>{since}</td>\n'
    '  <td class="text-end">{customers}</td>\n'
    '  <td class="text-end">{subscriptions}</td>\n'
    '  <td><div class="d-flex gap-2 justify-content-end">{add}{end}</div></td>\n'
    '</tr>'
)
_ADD_CUSTOMER = ('<a class="btn btn-sm btn-primary" href="{url}?reseller={reseller}">{label}'
                 '<span class="visually-hidden"> {hidden}</span></a>')
_END_PARTNERSHIP = ('<a class="btn btn-sm btn-outline-danger" href="{head}{pk}{tail}">{label}'
                    '<span class="visually-hidden"> {hidden}</span></a>')


class PartnerRows(RowCells):
    """Draws the Indirect resellers page's rows (`selectors.PartnerRow`, plain values),
    escaped: made once per request with what every row shares (the buttons' links and
    labels, translated once), then called per partnership. Each value is escaped by
    html.escape (what format_html does), a number localized once per distinct value, a
    day once per process and a country's name once per page.
    `new_customer_url` (Add new customer) and `end_url` (End partnership, with `{pk}` in
    place of the partnership's id) are None when the viewer may not use them."""

    def __init__(self, *, new_customer_url: str | None = None,
                 end_url: str | None = None) -> None:
        super().__init__()
        self.new_customer_url = None if new_customer_url is None else escape(new_customer_url)
        head, _pk, tail = (end_url or "{pk}").partition("{pk}")
        self.end_head, self.end_tail = escape(head), escape(tail)
        self.can_end = end_url is not None
        self.add, self.add_for = escape(str(_("Add new customer"))), str(_("for %(name)s"))
        self.end, self.end_with = escape(str(_("End partnership"))), str(_("with %(name)s"))
        # A country's translated name by code: a lookup costs some fifty calls.
        self.countries: dict[str, str] = {}
        country: Any = Partnership._meta.get_field(
            "reseller").related_model._meta.get_field("country")
        self.country_names = country.countries

    def _country(self, code: str) -> str:
        text = self.countries.get(code)
        if text is None:
            text = self.countries[code] = escape(
                (self.country_names.name(code) if code else "") or "—")
        return text

    def __call__(self, record: PartnerRow) -> SafeString:
        name = record.name
        values = {"name": name}
        add = end = ""
        if self.new_customer_url is not None:
            add = _ADD_CUSTOMER.format(url=self.new_customer_url,
                                       reseller=record.reseller_id, label=self.add,
                                       hidden=escape(self.add_for % values))
        if self.can_end:
            end = _END_PARTNERSHIP.format(head=self.end_head, pk=record.pk,
                                          tail=self.end_tail, label=self.end,
                                          hidden=escape(self.end_with % values))
        return mark_safe(_PARTNER_ROW.format(  # noqa: S308 (every value escaped above or here)
            name=escape(name), partner_id=escape(record.partner_id or "—"),
            country=self._country(record.country), since=self._date(record.accepted_at),
            customers=self._number(record.customer_count),
            subscriptions=self._number(record.subscription_count), add=add, end=end))

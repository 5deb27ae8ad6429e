"""A subscription's audit events, told for people: what changed, when, and by whom."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    what: str
    who: str


def _count(value):
    """The number that picks the plural form (a count recorded as text, or none: many)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2


def _day(value):
    """A date recorded as ISO text, formatted for the reader (as recorded when it is not)."""
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return value


def _or_none(value):
    return value if value else _("none")


def _what(action, data):
    if action == "subscription.purchased":
        return ngettext("Purchased: %(licenses)s license, reseller of record %(reseller)s.",
                        "Purchased: %(licenses)s licenses, reseller of record %(reseller)s.",
                        _count(data.get("licenses"))) % {
            "licenses": data.get("licenses"), "reseller": _or_none(data.get("reseller_of_record"))}
    if action == "subscription.licenses_changed":
        if (data.get("to") or 0) > (data.get("from") or 0):
            return _("Licenses added: %(from)s → %(to)s.") % data
        return _("Licenses removed: %(from)s → %(to)s.") % data
    if action == "subscription.upgraded":
        return ngettext("Upgraded from %(from)s to %(to)s with %(licenses)s license.",
                        "Upgraded from %(from)s to %(to)s with %(licenses)s licenses.",
                        _count(data.get("licenses"))) % {
            "from": data.get("from_offer"), "to": data.get("to_offer"),
            "licenses": data.get("licenses")}
    if action == "subscription.suspended":
        return _("Suspended.")
    if action == "subscription.reactivated":
        return _("Reactivated.")
    if action == "subscription.cancelled":
        return ngettext("Cancelled: %(licenses)s license freed.",
                        "Cancelled: %(licenses)s licenses freed.",
                        _count(data.get("licenses"))) % {"licenses": data.get("licenses")}
    if action == "subscription.renewed":
        return _("Renewed: a new term from %(start)s to %(end)s.") % {
            "start": _day(data.get("term_start")), "end": _day(data.get("term_end"))}
    if action == "subscription.expired":
        return ngettext("Expired at the end of its term: %(licenses)s license freed.",
                        "Expired at the end of its term: %(licenses)s licenses freed.",
                        _count(data.get("licenses"))) % {"licenses": data.get("licenses")}
    if action == "subscription.auto_renew_changed":
        return _("Auto-renew turned on.") if data.get("auto_renew") else _(
            "Auto-renew turned off.")
    if action == "subscription.support_contact_changed":
        return _("Designated support contact: %(from)s → %(to)s.") % {
            "from": _or_none(data.get("from")), "to": _or_none(data.get("to"))}
    if action == "subscription.reseller_of_record_changed":
        return _("Reseller of record: %(from)s → %(to)s.") % {
            "from": _or_none(data.get("from")), "to": _or_none(data.get("to"))}
    return action


def describe(event, *, viewer):
    if event.organization_id is None or not event.actor_email:
        who = _("Partner Center (automatic)")
    elif viewer is not None and event.organization_id == viewer.pk:
        who = event.actor_email
    else:
        who = event.organization.name
    return HistoryEntry(at=event.at, what=_what(event.action, event.data or {}), who=who)

"""The event types an endpoint may subscribe to, with the words the pages show."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "partnership.requested": _("A partnership request was sent"),
    "partnership.accepted": _("A reseller accepted a partnership"),
    "partnership.declined": _("A reseller declined a partnership"),
    "partnership.ended": _("A partnership ended"),
    "customer.created": _("A customer was created"),
    "order.submitted": _("An order was submitted"),
    "order.completed": _("An order was completed"),
    "order.failed": _("An order failed"),
    "subscription.created": _("A subscription was created"),
    "subscription.changed": _("A subscription changed"),
    "subscription.cancelled": _("A subscription was cancelled"),
    "subscription.renewed": _("A subscription renewed for a new term"),
    "subscription.expired": _("A subscription expired at the end of its term"),
    "invoice.issued": _("An invoice was issued"),
    "support_request.created": _("A support request was opened"),
    "support_request.updated": _("A support request was updated"),
    "relationship_request.approved": _("A customer approved a reseller relationship"),
    "relationship_request.declined": _("A customer declined a reseller relationship"),
}
# Sent by "Send test event" only; no endpoint subscribes to it.
TEST_EVENT = "webhook.test"


def event_choices():
    return [(name, f"{name} — {label}") for name, label in EVENTS.items()]

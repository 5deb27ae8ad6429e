"""Recent activity in words: each audit event as a sentence in the viewer's language.

A sentence is built from the event's stored row alone (actor's email, target's name and the
details its service recorded), so a dashboard reads its last events in one query; links to
the objects named are checked in one query per kind of object, never per row, and only
drawn where the viewer may open the page (no link to a 404 or a 403).

Every action a service records has a sentence here (tests/portal/test_activity.py reads the
services and fails on one that has none); an action without one still reads as a generic
sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from apps.customers.selectors import customer_list
from apps.orders.selectors import order_list
from apps.organizations.roles import Kind, has_permission
from apps.subscriptions.selectors import subscription_list
from apps.support.selectors import support_request_list

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from apps.audit.models import AuditEvent
    from apps.organizations.models import Membership, Organization

# Picks the template for an event's details (a plural, a direction), with values it adds.
Picker = Callable[[Mapping[str, Any]], tuple[Any, dict[str, Any]]]


@dataclass(frozen=True)
class Sentence:
    # One template, or one per kind of viewer ("*" for the others).
    text: Promise | Mapping[str, Promise] | None = None
    # The value that links to the event's object (a key of the template's values).
    link: str = "target"
    pick: Picker | None = None


def _order(template: Promise, article: Promise) -> Picker:
    # The words that name the order carry its link.
    return lambda data: (template, {"order": str(article)})


def _licenses_changed(data: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    before, after = _int(data.get("from")), _int(data.get("to"))
    if after >= before:
        return (ngettext("%(actor)s added %(n)s license to %(offer)s for %(customer)s",
                         "%(actor)s added %(n)s licenses to %(offer)s for %(customer)s",
                         after - before), {"n": after - before})
    return (ngettext("%(actor)s removed %(n)s license from %(offer)s for %(customer)s",
                     "%(actor)s removed %(n)s licenses from %(offer)s for %(customer)s",
                     before - after), {"n": before - after})


def _purchased(data: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    n = _int(data.get("licenses"))
    return (ngettext("%(actor)s bought %(n)s license of %(offer)s for %(customer)s",
                     "%(actor)s bought %(n)s licenses of %(offer)s for %(customer)s", n),
            {"n": n})


def _auto_renew(data: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    if data.get("auto_renew"):
        return _("%(actor)s turned auto-renew on for %(offer)s of %(customer)s"), {}
    return _("%(actor)s turned auto-renew off for %(offer)s of %(customer)s"), {}


def _reseller_of_record(data: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    if data.get("to"):
        return _("%(actor)s made %(to)s the reseller of record of %(offer)s for "
                 "%(customer)s"), {}
    return _("%(actor)s removed the reseller of record of %(offer)s for %(customer)s"), {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


S = Sentence
P, R, C = Kind.PROVIDER, Kind.RESELLER, Kind.CUSTOMER

SENTENCES: dict[str, Sentence] = {
    # accounts
    "account.password_set": S(_("%(actor)s set a new password")),
    "account.deactivated": S(_("%(actor)s deactivated the account %(email)s")),
    "account.reactivated": S(_("%(actor)s reactivated the account %(email)s")),
    # API keys and webhooks
    "api_key.create": S(_("%(actor)s created the API key %(target)s")),
    "api_key.revoke": S(_("%(actor)s revoked the API key %(target)s")),
    "webhook.endpoint_created": S(_("%(actor)s added the webhook endpoint %(url)s")),
    "webhook.endpoint_changed": S(_("%(actor)s changed the webhook endpoint %(url)s")),
    "webhook.endpoint_deleted": S(_("%(actor)s deleted the webhook endpoint %(url)s")),
    "webhook.endpoint_disabled": S(_("%(actor)s turned off the webhook endpoint %(url)s "
                                     "after 3 days of failed deliveries")),
    "webhook.secret_rotated": S(_("%(actor)s rotated the signing secret of %(url)s")),
    "webhook.test_sent": S(_("%(actor)s sent a test event to %(url)s")),
    "webhook.delivery_resent": S(_("%(actor)s sent a webhook delivery to %(url)s again")),
    # billing
    "billing.month_closed": S(_("%(actor)s closed the billing month that began on %(month)s")),
    "billing.price_list_created": S(_("%(actor)s created the price list %(name)s")),
    "billing.price_rule_set": S(_("%(actor)s set a price in the price list %(price_list)s")),
    "billing.price_rule_deleted": S(_("%(actor)s removed a price from the price list "
                                      "%(price_list)s")),
    "billing.reseller_terms_set": S(_("%(actor)s set the billing terms of %(reseller)s")),
    "billing.tax_rate_set": S(_("%(actor)s set the tax rate for %(country)s")),
    "billing.tax_id_set": S(_("%(actor)s changed the organization's tax ID")),
    "billing.invoice_paid": S(_("%(actor)s marked invoice %(number)s as paid")),
    "billing.credit_note_issued": S(_("%(actor)s issued credit note %(number)s for invoice "
                                      "%(corrects)s")),
    "billing.statement_sent": S(_("%(actor)s sent statement %(number)s to %(customer)s")),
    # catalog
    "catalog.offer_created": S(_("%(actor)s added the offer %(target)s")),
    "catalog.offer_changed": S(_("%(actor)s changed the offer %(target)s")),
    # organizations and teams
    "organization.renamed": S(_("%(actor)s renamed the organization from %(from)s to %(to)s")),
    "organization.deactivated": S(_("%(actor)s deactivated the workspace %(name)s")),
    "organization.reactivated": S(_("%(actor)s reactivated the workspace %(name)s")),
    "team.member_added": S(_("%(actor)s added %(email)s to the team")),
    "team.role_changed": S(_("%(actor)s changed the role of %(email)s")),
    "team.member_removed": S(_("%(actor)s removed %(email)s from the team")),
    "team.invitation_created": S(_("%(actor)s invited %(email)s to the team")),
    "team.invitation_revoked": S(_("%(actor)s revoked the team invitation to %(email)s")),
    "team.invitation_accepted": S(_("%(actor)s accepted the invitation and joined the team")),
    # resellers and the directory
    "reseller.enrolled": S(_("%(actor)s enrolled %(target)s as an indirect reseller")),
    "reseller.approved": S(_("%(actor)s approved the enrolment of %(target)s")),
    "reseller.rejected": S(_("%(actor)s rejected the enrolment of %(target)s")),
    "directory.published": S(_("%(actor)s published the directory listing of %(company_name)s")),
    "profile.change_submitted": S(_("%(actor)s submitted a directory profile change request")),
    "profile.change_withdrawn": S(_("%(actor)s withdrew a directory profile change request")),
    "profile.change_approved": S(_("%(actor)s approved the directory profile change request")),
    "profile.change_rejected": S(_("%(actor)s rejected the directory profile change request")),
    # partnerships
    "partnership.request_created": S(_("%(actor)s drafted a partnership request to %(email)s")),
    "partnership.request_sent": S(_("%(actor)s sent a partnership request to %(email)s"),
                                  link="email"),
    "partnership.request_resent": S(_("%(actor)s sent the partnership request to %(email)s "
                                      "again"), link="email"),
    "partnership.request_revoked": S(_("%(actor)s revoked the partnership request to "
                                       "%(email)s")),
    "partnership.accepted": S({
        P: _("%(reseller)s accepted your partnership request"),
        "*": _("%(actor)s accepted the partnership request of %(provider)s")},
        link="reseller"),
    "partnership.declined": S({
        P: _("%(reseller)s declined your partnership request"),
        "*": _("%(actor)s declined the partnership request of %(provider)s")},
        link="reseller"),
    "partnership.created": S(_("%(actor)s started the partnership %(target)s")),
    "partnership.ended": S({
        P: _("%(actor)s ended the partnership with %(reseller)s"),
        "*": _("%(actor)s ended the partnership between %(provider)s and %(reseller)s")},
        link="reseller"),
    # customers and their users
    "customer.created": S(_("%(actor)s added the customer %(target)s")),
    "customer.delegated": S(_("%(actor)s of %(provider)s gave you delegated admin access to "
                              "%(target)s")),
    "customer.undelegated": S(_("%(actor)s removed your delegated admin access to "
                                "%(target)s")),
    "customer.admin_created": S(_("%(actor)s created the admin account %(email)s")),
    "customer.user_added": S(_("%(actor)s added the user %(email)s to %(customer)s")),
    "customer.user_password_reset": S(_("%(actor)s reset the password of %(email)s "
                                        "(%(customer)s)")),
    "customer.user_disabled": S(_("%(actor)s blocked sign-in for %(email)s (%(customer)s)")),
    "customer.user_enabled": S(_("%(actor)s allowed sign-in again for %(email)s "
                                 "(%(customer)s)")),
    "customer.setup_info_shown": S(_("%(actor)s viewed the temporary password of "
                                     "%(username)s")),
    # reseller relationships (a customer's delegated admin)
    "relationship.requested": S(_("%(actor)s asked for %(reseller)s to become a reseller: "
                                  "%(target)s")),
    "relationship.approved": S(_("%(actor)s accepted %(reseller)s as reseller: %(target)s")),
    "relationship.declined": S(_("%(actor)s declined %(reseller)s as reseller: %(target)s")),
    "relationship.withdrawn": S(_("%(actor)s withdrew the reseller relationship request "
                                  "%(target)s")),
    "relationship.removed": S(_("%(actor)s removed the access of %(reseller)s to "
                                "%(target)s")),
    # orders
    "order.submitted": S(pick=_order(_("%(actor)s submitted %(order)s for %(customer)s"),
                                     _("an order")), link="order"),
    "order.completed": S(pick=_order(_("%(actor)s completed %(order)s for %(customer)s"),
                                     _("the order")), link="order"),
    "order.failed": S(pick=_order(_("%(actor)s could not provision %(order)s for "
                                    "%(customer)s"), _("the order")), link="order"),
    "order.retried": S(_("%(actor)s retried the order %(target)s")),
    "order.reseller_dropped": S(pick=_order(_("%(actor)s provisioned %(order)s for "
                                              "%(customer)s without its reseller %(reseller)s"),
                                            _("the order")), link="order"),
    "order.setup_info_shown": S(_("%(actor)s viewed the setup info of the order %(target)s")),
    # subscriptions
    "subscription.purchased": S(pick=_purchased, link="offer"),
    "subscription.licenses_changed": S(pick=_licenses_changed, link="offer"),
    "subscription.upgraded": S(_("%(actor)s upgraded %(from_offer)s to %(to_offer)s for "
                                 "%(customer)s"), link="to_offer"),
    "subscription.suspended": S(_("%(actor)s suspended %(offer)s for %(customer)s"),
                                link="offer"),
    "subscription.reactivated": S(_("%(actor)s reactivated %(offer)s for %(customer)s"),
                                  link="offer"),
    "subscription.auto_renew_changed": S(pick=_auto_renew, link="offer"),
    "subscription.renewed": S(_("%(actor)s renewed %(offer)s for %(customer)s until "
                                "%(term_end)s"), link="offer"),
    "subscription.expired": S(_("%(offer)s for %(customer)s expired on %(term_end)s"),
                              link="offer"),
    "subscription.cancelled": S(_("%(actor)s cancelled %(offer)s for %(customer)s"),
                                link="offer"),
    "subscription.support_contact_changed": S(_("%(actor)s made %(to)s the designated support "
                                                "contact of %(offer)s for %(customer)s"),
                                              link="offer"),
    "subscription.reseller_of_record_changed": S(pick=_reseller_of_record, link="offer"),
    # support
    "support.opened": S(_("%(actor)s opened the support request %(target)s")),
    "support.replied": S(_("%(actor)s replied to the support request %(target)s")),
    "support.status_changed": S(_("%(actor)s changed the status of the support request "
                                  "%(target)s")),
    "support.handler_changed": S(_("The support request %(target)s moved from %(from)s to "
                                   "%(to)s")),
    # operators' actions on background work (no workspace's log)
    "outbox.sent_again": S(_("%(actor)s sent a background task again")),
    "outbox.mail_sent_again": S(_("%(actor)s sent a mail to %(recipient)s again")),
}

GENERIC = _("%(actor)s: %(event)s (%(target)s)")
GENERIC_NO_TARGET = _("%(actor)s: %(event)s")


@dataclass(frozen=True)
class Activity:
    """One event as the viewer reads it."""

    event: AuditEvent
    sentence: SafeString
    # The person who acted, when the sentence names an organization instead.
    by: str


# ------------------------------------------------------------------ links


def _object_links(events: list[AuditEvent], organization: Organization,
                  membership: Membership | None) -> dict[tuple[str, str], str]:
    """(target type, target id): the URL of its page, for the objects of `events` the viewer
    may open. One query per kind of object that needs a check."""
    slug = organization.slug
    ids: dict[str, set[Any]] = {}
    for event in events:
        if event.target_id:
            ids.setdefault(event.target_type, set()).add(event.target_id)
    links: dict[tuple[str, str], str] = {}

    def can(permission: str) -> bool:
        return has_permission(membership, permission)

    def each(target_type: str, url: str) -> None:
        for pk in ids.get(target_type, ()):
            links[target_type, pk] = url

    kind = organization.kind
    staff = kind in (P, R)
    wanted = ids.get("subscriptions.subscription")
    if wanted and can("subscriptions.view"):
        if staff:
            for pk, customer_id in (subscription_list(organization=organization)
                                    .filter(pk__in=wanted).values_list("pk", "customer_id")):
                links["subscriptions.subscription", str(pk)] = reverse(
                    "subscriptions:detail", kwargs={"org_slug": slug, "customer_id": customer_id,
                                                    "subscription_id": pk})
        else:
            each("subscriptions.subscription", reverse("subscriptions:list",
                                                       kwargs={"org_slug": slug}))
    wanted = ids.get("customers.customer")
    if wanted and staff and can("customers.view"):
        for pk in customer_list(organization=organization).filter(pk__in=wanted).values_list(
                "pk", flat=True):
            links["customers.customer", str(pk)] = reverse(
                "customers:detail", kwargs={"org_slug": slug, "customer_id": pk})
    wanted = ids.get("orders.order")
    if wanted and kind == P and can("orders.view"):
        for pk in order_list(provider=organization).filter(pk__in=wanted).values_list(
                "pk", flat=True):
            links["orders.order", str(pk)] = reverse(
                "orders:confirmation", kwargs={"org_slug": slug, "order_id": pk})
    wanted = ids.get("support.supportrequest")
    if wanted and can("support.view"):
        for pk in support_request_list(organization=organization).filter(
                pk__in=wanted).values_list("pk", flat=True):
            links["support.supportrequest", str(pk)] = reverse(
                "support:detail", kwargs={"org_slug": slug, "request_id": pk})
    if can("partners.view"):
        if kind == P:
            each("partnerships.partnership", reverse("partnerships:list",
                                                     kwargs={"org_slug": slug}))
            each("partnerships.partnershipinvitation", reverse("partnerships:invitations",
                                                               kwargs={"org_slug": slug}))
        elif kind == R:
            each("partnerships.partnership", reverse("partnerships:providers",
                                                     kwargs={"org_slug": slug}))
        else:
            each("relationships.resellerrelationshiprequest", reverse(
                "relationships:partners", kwargs={"org_slug": slug}))
    if can("team.view"):
        team = reverse("organizations:team", kwargs={"org_slug": slug})
        each("organizations.membership", team)
        each("organizations.teaminvitation", team)
    if kind == P and can("profile.manage"):
        each("providers.profilechangerequest", reverse("providers:profile",
                                                       kwargs={"org_slug": slug}))
    return links


# ------------------------------------------------------------------ sentences


def _text(sentence: Sentence, data: Mapping[str, Any], kind: str
          ) -> tuple[Any, dict[str, Any]]:
    text: Any = sentence.text
    extra: dict[str, Any] = {}
    if sentence.pick is not None:
        text, extra = sentence.pick(data)
    if isinstance(text, Mapping):
        text = text.get(kind, text["*"])
    return text, extra


def _event_name(action: str) -> str:
    # "subscription.renewed" reads "Subscription renewed".
    return action.replace(".", " ").replace("_", " ").strip().capitalize()


def describe(event: AuditEvent, *, organization: Organization, user_id: Any,
             links: Mapping[tuple[str, str], str], you: str | None = None,
             portal: str | None = None) -> Activity:
    """`you` and `portal`: "You" and "The portal" translated once for a list of events."""
    if event.actor_id is not None and event.actor_id == user_id:
        actor = you or gettext("You")
    else:
        actor = event.actor_email or portal or gettext("The portal")
    data = event.data if isinstance(event.data, dict) else {}
    values: dict[str, Any] = {k: v for k, v in data.items()
                              if isinstance(v, str | int | float) and not isinstance(v, bool)}
    values.update(actor=actor, target=event.target_repr, event=_event_name(event.action))
    sentence = SENTENCES.get(event.action)
    text: Any = None
    link_key = "target"
    if sentence is not None:
        text, extra = _text(sentence, data, organization.kind)
        values.update(extra)
        link_key = sentence.link
    html = {key: conditional_escape(str(value)) for key, value in values.items()}
    url = links.get((event.target_type, event.target_id))
    if url and link_key in html:
        html[link_key] = format_html('<a href="{}">{}</a>', url, values[link_key])
    for template in (text, GENERIC if event.target_repr else GENERIC_NO_TARGET):
        if template is None:
            continue
        template = str(template)  # translated once
        try:
            rendered = conditional_escape(template) % html
        except (KeyError, TypeError, ValueError):
            continue  # a detail the template names is missing from this (older) event
        by = "" if "%(actor)s" in template else event.actor_email
        return Activity(event, mark_safe(rendered), by)  # noqa: S308 - every value escaped
    raise AssertionError("the generic sentence always renders")


def activities(events: Iterable[AuditEvent], *, organization: Organization,
               membership: Membership | None, user_id: Any) -> list[Activity]:
    """The events as sentences for a member of `organization`."""
    events = list(events)
    links = _object_links(events, organization, membership)
    you, portal = gettext("You"), gettext("The portal")
    return [describe(event, organization=organization, user_id=user_id, links=links, you=you,
                     portal=portal)
            for event in events]

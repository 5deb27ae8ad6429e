"""Subscription use cases: the subscriptions provisioning makes, licenses, upgrades,
suspension, auto-renew, cancellation, support contact and reseller of record.

Each is one transaction, audited. A change of licenses, offer, status or renewal is also
an order: a `change` order with one line, completed at once (nothing to provision),
recorded through apps.orders.services. The acting organization is the customer's provider,
or its delegated reseller; the services check it themselves, so a view for resellers can
call them unchanged.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.audit.services import record
from apps.catalog.selectors import offer_upgrade_target
from apps.errors import DomainError
from apps.orders.services import ChangeAction, change_order_record, change_order_replayed
from apps.organizations.roles import Kind
from apps.partnerships.selectors import partnered_resellers, partnership_is_active
from apps.webhooks.services import emit

from .hooks import reseller_of_record_changed, support_contact_changed
from .models import Subscription

if TYPE_CHECKING:
    from uuid import UUID

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.catalog.models import Offer
    from apps.orders.models import Order
    from apps.organizations.models import Organization

    # customers.Customer: customers sits above subscriptions, which cannot name it.
    Customer: TypeAlias = Any
    Actor: TypeAlias = User | AnonymousUser | None

Status = Subscription.Status


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(offer: Offer, start: date) -> date:
    return add_months(start, offer.term_months)


# ------------------------------------------------------------------ purchase


@transaction.atomic
def subscription_create(*, customer: Customer, offer: Offer, quantity: int,
                        reseller_of_record: Organization | None,
                        support_contact: Organization | None, order: Order | None = None,
                        actor: User | None = None, today: date | None = None) -> Subscription:
    """A purchased subscription (made by provisioning from an order's line): its term starts
    today. Audited in the provider's log as `subscription.purchased`."""
    today = today or timezone.localdate()
    subscription = Subscription.objects.create(
        customer=customer, provider_id=customer.provider_id, customer_name=customer.name,
        offer=offer, quantity=quantity, reseller_of_record=reseller_of_record,
        support_contact=support_contact, term_start=today, term_end=term_end(offer, today))
    data = {"customer": customer.organization.name, "offer": offer.name, "licenses": quantity,
            "reseller_of_record": _name(reseller_of_record)}
    if order is not None:
        data["order"] = str(order.pk)
    record(actor=actor, organization=customer.provider, action="subscription.purchased",
           target=subscription, data=data)
    emit("subscription.created", subscription, organizations=[customer.provider, customer.reseller],
         key=subscription.pk)
    return subscription


def subscription_customer_renamed(*, organization: Organization, name: str) -> int:
    """The customer organization was renamed: its subscriptions take the new name, as its
    Customer row does (the caller, organization_rename, holds the transaction and audits).
    Rows changed: 0 for an organization that is not a customer."""
    return Subscription.objects.filter(customer_id=organization.pk).update(customer_name=name)


# ------------------------------------------------------------------ plumbing


def _lock(subscription: Subscription) -> Subscription:
    return (Subscription.objects.select_for_update(of=("self",))
            .select_related("offer", "customer__organization", "customer__provider",
                            "reseller_of_record", "support_contact")
            .get(pk=subscription.pk))


def _check_acting(subscription: Subscription, organization: Organization) -> None:
    """The customer's provider may change its subscriptions, and so may its delegated
    reseller while it partners with the provider; nobody else (a view scoped wrongly must
    not get further than this)."""
    customer = subscription.customer
    if organization.pk == customer.provider_id:
        return
    if (organization.kind == Kind.RESELLER and organization.pk == customer.reseller_id
            and partnership_is_active(provider=customer.provider, reseller=organization)):
        return
    raise DomainError(_("This subscription is not one you manage."), code="not_yours")


def _replayed(subscription: Subscription, idempotency_key: UUID | None,
              actor: Actor) -> Subscription | None:
    """The subscription a form sent twice already changed, or None (a first submission)."""
    return change_order_replayed(provider=subscription.customer.provider,
                                 idempotency_key=idempotency_key, actor=actor)


def _change_order(*, subscription: Subscription, action: str, actor: Actor, quantity: int,
                  previous_quantity: int | None = None, previous_offer: Offer | None = None,
                  idempotency_key: UUID | None = None) -> Order:
    """The completed `change` order, and its one line, that records a change."""
    customer = subscription.customer
    return change_order_record(
        provider=customer.provider, customer=customer, subscription=subscription,
        action=action, quantity=quantity, actor=actor, previous_quantity=previous_quantity,
        previous_offer=previous_offer, idempotency_key=idempotency_key)


def _audit(subscription: Subscription, action: str, *, actor: Actor,
           organization: Organization, request: HttpRequest | None,
           data: Mapping[str, Any]) -> None:
    # A reseller acting for its customer: the provider's log shows it too.
    for audience in {organization, subscription.customer.provider}:
        event = record(actor=actor, organization=audience, action=f"subscription.{action}",
                       target=subscription,
                       data={"customer": subscription.customer.organization.name,
                             "offer": subscription.offer.name, **data},
                       request=request)
    emit("subscription.cancelled" if action == "cancelled" else "subscription.changed",
         subscription, organizations=[subscription.customer.provider,
                                      subscription.customer.reseller],
         key=f"{subscription.pk}:{event.pk}")


def _name(organization: Organization | None) -> str | None:
    return organization.name if organization is not None else None


def _require_status(subscription: Subscription, allowed: Iterable[str], message: str,
                    field: str | None = None) -> None:
    if subscription.status not in allowed:
        raise DomainError(message, field=field, code="status")


# ------------------------------------------------------------------ licenses


@transaction.atomic
def subscription_change_quantity(*, subscription: Subscription, quantity: int, actor: Actor,
                                 organization: Organization,
                                 request: HttpRequest | None = None, today: date | None = None,
                                 idempotency_key: UUID | None = None) -> Subscription:
    """Set the number of licenses. More: any time, up to the offer's maximum. Fewer: only
    within REDUCTION_WINDOW_DAYS of the purchase or the last renewal (`term_start`)."""
    subscription = _lock(subscription)
    replayed = _replayed(subscription, idempotency_key, actor)
    if replayed is not None:
        return replayed
    _check_acting(subscription, organization)
    _require_status(subscription, (Status.ACTIVE,),
                    _("Licenses can be changed on an active subscription only."), "quantity")
    offer = subscription.offer
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise DomainError(_("Enter a whole number of licenses."), field="quantity")
    previous = subscription.quantity
    if quantity == previous:
        raise DomainError(ngettext("The subscription already has %(count)s license.",
                                   "The subscription already has %(count)s licenses.", previous)
                          % {"count": previous}, field="quantity", code="unchanged")
    if not offer.min_licenses <= quantity <= offer.max_licenses:
        raise DomainError(ngettext("%(offer)s allows %(min)s to %(max)s license.",
                                   "%(offer)s allows %(min)s to %(max)s licenses.",
                                   offer.max_licenses)
                          % {"offer": offer.name, "min": offer.min_licenses,
                             "max": offer.max_licenses}, field="quantity", code="limits")
    if quantity > previous and not offer.is_active:
        raise DomainError(_("%(offer)s is no longer sold, so no licenses can be added. "
                            "Upgrade the subscription instead.") % {"offer": offer.name},
                          field="quantity", code="retired")
    if quantity < previous and subscription.reduction_days_left(today) == 0:
        raise DomainError(
            ngettext("Licenses can be removed only within %(days)s day of the purchase or the "
                     "last renewal (%(start)s); that window closed on %(closed)s. You can still "
                     "add licenses, or turn auto-renew off so that the subscription ends on "
                     "%(end)s.",
                     "Licenses can be removed only within %(days)s days of the purchase or the "
                     "last renewal (%(start)s); that window closed on %(closed)s. You can still "
                     "add licenses, or turn auto-renew off so that the subscription ends on "
                     "%(end)s.", Subscription.REDUCTION_WINDOW_DAYS)
            % {"days": Subscription.REDUCTION_WINDOW_DAYS,
               "start": _date(subscription.term_start),
               "closed": _date(subscription.reduction_closes_on),
               "end": _date(subscription.term_end)},
            field="quantity", code="window_closed")
    subscription.quantity = quantity
    subscription.save(update_fields=["quantity"])
    action = (ChangeAction.ADD_LICENSES if quantity > previous
              else ChangeAction.REMOVE_LICENSES)
    order = _change_order(subscription=subscription, action=action, actor=actor,
                          quantity=quantity, previous_quantity=previous,
                          idempotency_key=idempotency_key)
    _audit(subscription, "licenses_changed", actor=actor, organization=organization,
           request=request, data={"from": previous, "to": quantity, "order": str(order.pk)})
    return subscription


@transaction.atomic
def subscription_add_licenses(*, subscription: Subscription, licenses: int, actor: Actor,
                              organization: Organization, request: HttpRequest | None = None,
                              idempotency_key: UUID | None = None) -> Subscription:
    """Add `licenses` to the subscription (Add subscription for an offer the customer already
    has): the count is read under the row's lock, so two additions at once both count."""
    locked = _lock(subscription)
    if isinstance(licenses, bool) or not isinstance(licenses, int) or licenses < 1:
        raise DomainError(_("Enter a whole number of licenses."), field="quantity")
    return subscription_change_quantity(
        subscription=locked, quantity=locked.quantity + licenses, actor=actor,
        organization=organization, request=request, idempotency_key=idempotency_key)


def _date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


# ------------------------------------------------------------------ upgrade


@transaction.atomic
def subscription_upgrade(*, subscription: Subscription, offer: Offer | None, actor: Actor,
                         organization: Organization, request: HttpRequest | None = None,
                         today: date | None = None,
                         idempotency_key: UUID | None = None) -> Subscription:
    """Replace the subscription with one of an offer on its upgrade path. The licenses,
    reseller of record, support contact and auto-renew carry over; a new term starts."""
    subscription = _lock(subscription)
    replayed = _replayed(subscription, idempotency_key, actor)
    if replayed is not None:
        return replayed
    _check_acting(subscription, organization)
    _require_status(subscription, (Status.ACTIVE,),
                    _("Only an active subscription can be upgraded."), "offer")
    target = offer_upgrade_target(offer_id=getattr(offer, "pk", None),
                                  from_offer=subscription.offer)
    if target is None:
        raise DomainError(_("Choose an offer on this subscription's upgrade path."),
                          field="offer", code="not_an_upgrade")
    quantity = subscription.quantity
    if not target.min_licenses <= quantity <= target.max_licenses:
        raise DomainError(
            ngettext("%(offer)s allows %(min)s to %(max)s licenses; this subscription has "
                     "%(count)s license. Change its licenses first.",
                     "%(offer)s allows %(min)s to %(max)s licenses; this subscription has "
                     "%(count)s licenses. Change its licenses first.", quantity)
            % {"offer": target.name, "min": target.min_licenses, "max": target.max_licenses,
               "count": quantity}, field="offer", code="limits")
    today = today or timezone.localdate()
    old_offer = subscription.offer
    upgraded = Subscription.objects.create(
        customer=subscription.customer, provider_id=subscription.provider_id,
        customer_name=subscription.customer_name, offer=target,
        quantity=quantity, status=Status.ACTIVE,
        reseller_of_record=subscription.reseller_of_record,
        support_contact=subscription.support_contact, term_start=today,
        term_end=term_end(target, today), auto_renew=subscription.auto_renew)
    subscription.status = Status.UPGRADED
    subscription.replaced_by = upgraded
    subscription.save(update_fields=["status", "replaced_by"])
    order = _change_order(subscription=upgraded, action=ChangeAction.UPGRADE, actor=actor,
                          quantity=quantity, previous_quantity=quantity,
                          previous_offer=old_offer, idempotency_key=idempotency_key)
    _audit(upgraded, "upgraded", actor=actor, organization=organization, request=request,
           data={"from_offer": old_offer.name, "to_offer": target.name, "licenses": quantity,
                 "replaces": str(subscription.pk), "order": str(order.pk)})
    return upgraded


# ------------------------------------------------------------------ suspension, renewal


def _status_change(subscription: Subscription, *, new_status: str, allowed: Iterable[str],
                   refusal: str, action: str, audit_action: str, actor: Actor,
                   organization: Organization, request: HttpRequest | None,
                   idempotency_key: UUID | None) -> Subscription:
    subscription = _lock(subscription)
    replayed = _replayed(subscription, idempotency_key, actor)
    if replayed is not None:
        return replayed
    _check_acting(subscription, organization)
    _require_status(subscription, allowed, refusal)
    subscription.status = new_status
    subscription.save(update_fields=["status"])
    order = _change_order(subscription=subscription, action=action, actor=actor,
                          quantity=subscription.quantity, previous_quantity=subscription.quantity,
                          idempotency_key=idempotency_key)
    _audit(subscription, audit_action, actor=actor, organization=organization, request=request,
           data={"order": str(order.pk)})
    return subscription


@transaction.atomic
def subscription_suspend(*, subscription: Subscription, actor: Actor,
                         organization: Organization, request: HttpRequest | None = None,
                         idempotency_key: UUID | None = None) -> Subscription:
    return _status_change(
        subscription, new_status=Status.SUSPENDED, allowed=(Status.ACTIVE,),
        refusal=_("Only an active subscription can be suspended."),
        action=ChangeAction.SUSPEND, audit_action="suspended", actor=actor,
        organization=organization, request=request, idempotency_key=idempotency_key)


@transaction.atomic
def subscription_reactivate(*, subscription: Subscription, actor: Actor,
                            organization: Organization, request: HttpRequest | None = None,
                            idempotency_key: UUID | None = None) -> Subscription:
    return _status_change(
        subscription, new_status=Status.ACTIVE, allowed=(Status.SUSPENDED,),
        refusal=_("Only a suspended subscription can be reactivated."),
        action=ChangeAction.REACTIVATE, audit_action="reactivated", actor=actor,
        organization=organization, request=request, idempotency_key=idempotency_key)


@transaction.atomic
def subscription_set_auto_renew(*, subscription: Subscription, auto_renew: bool, actor: Actor,
                                organization: Organization,
                                request: HttpRequest | None = None,
                                idempotency_key: UUID | None = None) -> Subscription:
    """Turn auto-renew off (the subscription ends with its term) or on again."""
    subscription = _lock(subscription)
    replayed = _replayed(subscription, idempotency_key, actor)
    if replayed is not None:
        return replayed
    _check_acting(subscription, organization)
    _require_status(subscription, (Status.ACTIVE, Status.SUSPENDED),
                    _("Auto-renew can be changed on an active or suspended subscription only."))
    auto_renew = bool(auto_renew)
    if subscription.auto_renew == auto_renew:
        raise DomainError(_("Auto-renew is already on.") if auto_renew
                          else _("Auto-renew is already off."), code="unchanged")
    subscription.auto_renew = auto_renew
    subscription.save(update_fields=["auto_renew"])
    action = ChangeAction.AUTO_RENEW_ON if auto_renew else ChangeAction.AUTO_RENEW_OFF
    order = _change_order(subscription=subscription, action=action, actor=actor,
                          quantity=subscription.quantity,
                          previous_quantity=subscription.quantity,
                          idempotency_key=idempotency_key)
    _audit(subscription, "auto_renew_changed", actor=actor, organization=organization,
           request=request, data={"auto_renew": auto_renew, "term_end": str(subscription.term_end),
                                  "order": str(order.pk)})
    return subscription


# ------------------------------------------------------------------ cancellation


def cancellation_refusal(subscription: Subscription, today: date | None = None) -> str | None:
    """Why the subscription cannot be cancelled `today`, for a person; None when it can.
    The window is the one licence reductions have: REDUCTION_WINDOW_DAYS from the purchase
    or the last renewal. After it, turning auto-renew off ends the subscription with its
    term."""
    if not subscription.is_open:
        return _("Only an active or suspended subscription can be cancelled.")
    if subscription.reduction_days_left(today) > 0:
        return None
    days = Subscription.REDUCTION_WINDOW_DAYS
    values = {"days": days, "start": _date(subscription.term_start),
              "closed": _date(subscription.reduction_closes_on),
              "end": _date(subscription.term_end)}
    if subscription.auto_renew:
        return ngettext(
            "A subscription can be cancelled only within %(days)s day of the purchase or the "
            "last renewal (%(start)s); that window closed on %(closed)s. Turn auto-renew off "
            "instead: the subscription then ends on %(end)s.",
            "A subscription can be cancelled only within %(days)s days of the purchase or the "
            "last renewal (%(start)s); that window closed on %(closed)s. Turn auto-renew off "
            "instead: the subscription then ends on %(end)s.", days) % values
    return ngettext(
        "A subscription can be cancelled only within %(days)s day of the purchase or the last "
        "renewal (%(start)s); that window closed on %(closed)s. Auto-renew is off: the "
        "subscription ends on %(end)s.",
        "A subscription can be cancelled only within %(days)s days of the purchase or the last "
        "renewal (%(start)s); that window closed on %(closed)s. Auto-renew is off: the "
        "subscription ends on %(end)s.", days) % values


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, actor: Actor,
                        organization: Organization, request: HttpRequest | None = None,
                        today: date | None = None,
                        idempotency_key: UUID | None = None) -> Subscription:
    """Cancel the subscription within the cancellation window (that of licence reductions):
    its status becomes cancelled, its licenses are freed (they no longer count) and it earns
    no incentives from `cancelled_on`. Recorded as a completed change order; audited in the
    provider's log and, for a reseller acting for its customer, in the reseller's."""
    subscription = _lock(subscription)
    replayed = _replayed(subscription, idempotency_key, actor)
    if replayed is not None:
        return replayed
    _check_acting(subscription, organization)
    today = today or timezone.localdate()
    refusal = cancellation_refusal(subscription, today)
    if refusal is not None:
        raise DomainError(refusal, code="status" if not subscription.is_open
                          else "window_closed")
    previous_status = subscription.status
    subscription.status = Status.CANCELLED
    subscription.cancelled_on = today
    subscription.auto_renew = False
    subscription.save(update_fields=["status", "cancelled_on", "auto_renew"])
    order = _change_order(subscription=subscription, action=ChangeAction.CANCEL, actor=actor,
                          quantity=subscription.quantity,
                          previous_quantity=subscription.quantity,
                          idempotency_key=idempotency_key)
    data = {"licenses": subscription.quantity, "cancelled_on": str(today),
            "previous_status": previous_status, "order": str(order.pk)}
    _audit(subscription, "cancelled", actor=actor, organization=organization, request=request,
           data=data)
    credited = subscription.reseller_of_record
    if credited is not None and credited.pk not in (organization.pk,
                                                    subscription.customer.provider_id):
        # Its incentives stop: the reseller of record sees why in its own log.
        record(actor=actor, organization=credited, action="subscription.cancelled",
               target=subscription, data={"customer": subscription.customer.organization.name,
                                          "offer": subscription.offer.name, **data},
               request=request)
    return subscription


# ------------------------------------------------------------------ who serves it


def _partnered(provider: Organization, organization: Organization) -> bool:
    return partnered_resellers(provider=provider).filter(pk=organization.pk).exists()


@transaction.atomic
def subscription_set_support_contact(*, subscription: Subscription,
                                     contact: Organization | None, actor: Actor,
                                     organization: Organization,
                                     request: HttpRequest | None = None) -> Subscription:
    """The designated support contact: the provider itself or one of its partnered resellers."""
    subscription = _lock(subscription)
    _check_acting(subscription, organization)
    _require_status(subscription, (Status.ACTIVE, Status.SUSPENDED),
                    _("The support contact of a replaced or cancelled subscription cannot change."),
                    "support_contact")
    provider = subscription.customer.provider
    if contact is None or (contact.pk != provider.pk and not _partnered(provider, contact)):
        raise DomainError(_("Choose %(provider)s or one of its partnered indirect resellers.")
                          % {"provider": provider.name}, field="support_contact",
                          code="not_a_partner")
    if subscription.support_contact_id == contact.pk:
        raise DomainError(_("%(name)s is already the designated support contact.")
                          % {"name": contact.name}, field="support_contact", code="unchanged")
    previous = subscription.support_contact
    subscription.support_contact = contact
    subscription.save(update_fields=["support_contact"])
    _audit(subscription, "support_contact_changed", actor=actor, organization=organization,
           request=request, data={"from": _name(previous), "to": contact.name})
    if previous is not None:
        # Support (registered in hooks.py) moves the requests the previous contact handled.
        support_contact_changed(subscription=subscription, previous=previous, contact=contact,
                                actor=actor, request=request)
    return subscription


@transaction.atomic
def subscription_set_reseller_of_record(*, subscription: Subscription,
                                        reseller: Organization | None, actor: Actor,
                                        organization: Organization,
                                        request: HttpRequest | None = None) -> Subscription:
    """The reseller credited for incentives: a partnered reseller of the provider, or none."""
    subscription = _lock(subscription)
    _check_acting(subscription, organization)
    _require_status(subscription, (Status.ACTIVE, Status.SUSPENDED),
                    _("The reseller of record of a replaced or cancelled subscription cannot "
                      "change."), "reseller_of_record")
    provider = subscription.customer.provider
    if reseller is not None and not _partnered(provider, reseller):
        raise DomainError(_("Choose one of the partnered indirect resellers of %(provider)s.")
                          % {"provider": provider.name}, field="reseller_of_record",
                          code="not_a_partner")
    if subscription.reseller_of_record_id == getattr(reseller, "pk", None):
        raise DomainError(_("Nothing changed: that is already the reseller of record."),
                          field="reseller_of_record", code="unchanged")
    previous = subscription.reseller_of_record
    subscription.reseller_of_record = reseller
    subscription.save(update_fields=["reseller_of_record"])
    # No order records it: the apps keeping figures per reseller of record hear of it.
    reseller_of_record_changed(subscription=subscription,
                               previous_id=getattr(previous, "pk", None))
    _audit(subscription, "reseller_of_record_changed", actor=actor, organization=organization,
           request=request, data={"from": _name(previous), "to": _name(reseller)})
    return subscription


@transaction.atomic
def support_contacts_reassign(*, from_org: Organization, to_org: Organization,
                              provider: Organization | None = None,
                              customer: Customer | None = None) -> int:
    """The subscriptions `from_org` supports, of `provider`'s customers or of one `customer`,
    get `to_org` as designated support contact (a partnership or a reseller relationship
    ended). How many changed; the caller records the audit event."""
    if (provider is None) == (customer is None):
        raise ValueError("Give exactly one of provider or customer.")
    subscriptions = Subscription.objects.filter(support_contact=from_org)
    if customer is not None:
        subscriptions = subscriptions.filter(customer=customer)
    else:
        subscriptions = subscriptions.filter(customer__provider=provider)
    return subscriptions.update(support_contact=to_org)


@transaction.atomic
def subscriptions_transfer_reseller(*, customer: Customer, from_org: Organization,
                                    to_org: Organization, actor: Actor,
                                    request: HttpRequest | None = None) -> int:
    """The customer changes reseller: its open subscriptions credited to `from_org` are
    credited to `to_org`, and those `from_org` supports get `to_org` as designated support
    contact (the support requests about them follow, through hooks.py). Each change is
    audited in the provider's log; how many subscriptions changed."""
    changed = 0
    subscriptions = (Subscription.objects
                     .filter(customer=customer, status__in=(Status.ACTIVE, Status.SUSPENDED))
                     .filter(Q(reseller_of_record=from_org) | Q(support_contact=from_org))
                     .select_for_update(of=("self",))
                     .select_related("offer", "customer__organization", "customer__provider",
                                     "reseller_of_record", "support_contact")
                     .order_by("pk"))
    for subscription in subscriptions:
        fields = []
        if subscription.reseller_of_record_id == from_org.pk:
            subscription.reseller_of_record = to_org
            fields.append("reseller_of_record")
        previous_contact = subscription.support_contact
        if subscription.support_contact_id == from_org.pk:
            subscription.support_contact = to_org
            fields.append("support_contact")
        subscription.save(update_fields=fields)
        audience = subscription.customer.provider
        if "reseller_of_record" in fields:
            reseller_of_record_changed(subscription=subscription, previous_id=from_org.pk)
            _audit(subscription, "reseller_of_record_changed", actor=actor,
                   organization=audience, request=request,
                   data={"from": from_org.name, "to": to_org.name})
        if "support_contact" in fields and previous_contact is not None:
            _audit(subscription, "support_contact_changed", actor=actor,
                   organization=audience, request=request,
                   data={"from": from_org.name, "to": to_org.name})
            # Support (registered in hooks.py) moves the requests about it to the new contact.
            support_contact_changed(subscription=subscription, previous=previous_contact,
                                    contact=to_org, actor=actor, request=request)
        changed += 1
    return changed

"""Order lines on fixed dates: the ledger rows a change or a purchase writes, with the day
it took effect set by the test, then charged as the orders hook does."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from apps.billing.services import (
    charges_for_order,
    own_price_list,
    price_list_create,
    price_rule_set,
)
from apps.orders.models import Order, OrderLine
from apps.subscriptions.services import add_months
from tests import factories


def margins_set(provider, reseller, provider_margin="10", reseller_margin="20"):
    """The provider's default price list at cost + `provider_margin` %, and the reseller's
    own list for its customers at + `reseller_margin` %, both since 2020; returns the
    provider's list."""
    since = datetime.date(2020, 1, 1)
    default = price_list_create(owner=provider, name="Resellers", is_default=True, actor=None)
    price_rule_set(price_list=default, offer=None, margin_percent=Decimal(provider_margin),
                   fixed_price=None, effective_from=since, actor=None)
    price_rule_set(price_list=own_price_list(reseller=reseller), offer=None,
                   margin_percent=Decimal(reseller_margin), fixed_price=None,
                   effective_from=since, actor=None)
    return default


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def record_line(subscription, action, quantity, day, previous_quantity=None,
                previous_offer=None, offer=None):
    """A completed order of one line that took effect on `day`, and its charges."""
    customer = subscription.customer
    offer = offer or subscription.offer
    order = Order.objects.create(
        provider=customer.provider, customer=customer,
        reseller=subscription.reseller_of_record,
        kind="new_subscription" if action == "purchase" else "change", status="completed",
        idempotency_key=uuid.uuid4(), submitted_at=at(day), completed_at=at(day))
    OrderLine.objects.create(order=order, offer=offer, action=action, quantity=quantity,
                             previous_quantity=previous_quantity, previous_offer=previous_offer,
                             unit_price=offer.unit_price, currency=offer.currency,
                             reseller_of_record=subscription.reseller_of_record,
                             subscription=subscription)
    return charges_for_order(str(order.pk))


def subscribe(customer, offer, quantity, day, reseller=None, term_months=None):
    """A subscription bought on `day` (its purchase line charged)."""

    subscription = factories.SubscriptionFactory(
        customer=customer, offer=offer, quantity=quantity, reseller_of_record=reseller,
        term_start=day, term_end=add_months(day, term_months or offer.term_months))
    record_line(subscription, "purchase", quantity, day)
    return subscription


def D(value):
    return Decimal(value)

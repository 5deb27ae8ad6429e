"""Charges: each order line that took effect, and each month of a monthly-billed
subscription, priced on its day and prorated to the day (docs/billing.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils import timezone

from apps.orders.selectors import order_lines_took_effect

from .models import Charge
from .pricing import Period, month_bounds, period_from, prorate, purchase_period
from .selectors import Prices, Quote

if TYPE_CHECKING:
    from collections.abc import Sequence

    from apps.catalog.models import Offer
    from apps.orders.models import OrderLine

# Order line actions (apps.orders OrderLine.Action values) and what they charge.
PURCHASE, ADD, REMOVE, UPGRADE, CANCEL, RENEWAL, EXPIRE = (
    "purchase", "add_licenses", "remove_licenses", "upgrade", "cancel", "renewal", "expire")
# Kinds whose licences were not there before the month began (a month's charge leaves
# them out: they are charged to the month's end already).
DELTA_KINDS = [k for k in Charge.Kind.values if k != Charge.Kind.MONTHLY]


def is_monthly(offer: Offer) -> bool:
    return offer.billing_period == "monthly"


@dataclass(frozen=True)
class Planned:
    """A charge to make: licences (negative: a credit) over a period, at a quote."""

    kind: str
    subscription: Any
    offer: Offer
    quantity: int
    period: Period
    quote: Quote


def _term_period(day: date, offer: Offer, subscription: Any) -> Period:
    """From `day` to the end of the subscription's current billing period."""
    return period_from(day, monthly=is_monthly(offer), term_start=subscription.term_start,
                       term_end=subscription.term_end)


class LastQuotes:
    """What each subscription was last charged per licence (by offer), read in one query
    for the subscriptions a batch of lines credits: a credit gives back what was charged."""

    def __init__(self, subscription_ids: set[Any]) -> None:
        self._quotes: dict[tuple[Any, Any], Quote] = {}
        if not subscription_ids:
            return
        rows = (Charge.objects.filter(subscription_id__in=subscription_ids, quantity__gt=0)
                .order_by("subscription_id", "offer_id", "-posted_on", "-created_at")
                .values_list("subscription_id", "offer_id", "cost_unit", "reseller_unit",
                             "customer_unit", "currency"))
        for subscription_id, offer_id, cost, reseller, customer, currency in rows:
            # The first row of each (subscription, offer) is its latest charge.
            self._quotes.setdefault((subscription_id, offer_id),
                                    Quote(cost, reseller, customer, currency))

    def get(self, subscription: Any, offer: Offer) -> Quote | None:
        return self._quotes.get((subscription.pk, offer.pk))


def _credited(line: OrderLine) -> list[Any]:
    """The ids of the subscriptions whose last charge `line` may give back (plan_line's
    credits)."""
    subscription = line.subscription
    if subscription is None:
        return []
    action = line.action
    if action in (ADD, REMOVE) and line.quantity < (line.previous_quantity or 0):
        return [subscription.pk]
    if action == CANCEL or (action == EXPIRE and is_monthly(line.offer)):
        return [subscription.pk]
    old = getattr(subscription, "replaces", None) if action == UPGRADE else None
    return [old.pk] if old is not None else []


def _last_quote(subscription: Any, offer: Offer, prices: Prices, reseller_id: Any,
                day: date, credits: LastQuotes | None = None) -> Quote:
    """A credit gives back what was charged: the unit prices of the subscription's latest
    charge, or today's when it has none."""
    if credits is None:
        credits = LastQuotes({subscription.pk})
    quote = credits.get(subscription, offer)
    return quote if quote is not None else prices.quote(offer, reseller_id, day)


def plan_line(line: OrderLine, day: date, prices: Prices,
              credits: LastQuotes | None = None) -> list[Planned]:
    """What one order line charges or credits (docs/billing.md, "Rules"). `credits`: the
    last charges of the subscriptions it credits, when read for a batch already."""
    subscription = line.subscription
    if subscription is None:
        return []
    offer = line.offer
    reseller_id = line.reseller_of_record_id
    action = line.action
    if action == PURCHASE:
        period = purchase_period(day, monthly=is_monthly(offer), term_months=offer.term_months)
        return [Planned(Charge.Kind.PURCHASE, subscription, offer, line.quantity, period,
                        prices.quote(offer, reseller_id, day))]
    if action in (ADD, REMOVE):
        delta = line.quantity - (line.previous_quantity or 0)
        if delta == 0:
            return []
        quote = (prices.quote(offer, reseller_id, day) if delta > 0
                 else _last_quote(subscription, offer, prices, reseller_id, day, credits))
        kind = Charge.Kind.ADD_LICENSES if delta > 0 else Charge.Kind.REMOVE_LICENSES
        return [Planned(kind, subscription, offer, delta,
                        _term_period(day, offer, subscription), quote)]
    if action == CANCEL:
        return [Planned(Charge.Kind.CANCEL, subscription, offer, -line.quantity,
                        _term_period(day, offer, subscription),
                        _last_quote(subscription, offer, prices, reseller_id, day, credits))]
    if action == UPGRADE:
        planned = [Planned(Charge.Kind.UPGRADE, subscription, offer, line.quantity,
                           purchase_period(day, monthly=is_monthly(offer),
                                           term_months=offer.term_months),
                           prices.quote(offer, reseller_id, day))]
        old = getattr(subscription, "replaces", None)
        if old is not None:
            planned.append(Planned(Charge.Kind.UPGRADE_CREDIT, old, old.offer,
                                   -(line.previous_quantity or line.quantity),
                                   _term_period(day, old.offer, old),
                                   _last_quote(old, old.offer, prices, reseller_id, day, credits)))
        return planned
    if action == RENEWAL and not is_monthly(offer):
        # The new term, up front, at the day's prices.
        period = period_from(subscription.term_start, monthly=False,
                             term_start=subscription.term_start, term_end=subscription.term_end)
        return [Planned(Charge.Kind.RENEWAL, subscription, offer, line.quantity, period,
                        prices.quote(offer, reseller_id, day))]
    if action == EXPIRE and is_monthly(offer):
        # The month was charged in full: the days from the expiry on come back.
        first, last = month_bounds(day)
        period = Period(day, last, (last - first).days + 1)
        return [Planned(Charge.Kind.EXPIRE, subscription, offer, -line.quantity, period,
                        _last_quote(subscription, offer, prices, reseller_id, day, credits))]
    return []  # suspension, reactivation, auto-renew: no charge


def charge_row(planned: Planned, *, provider_id: Any, reseller_id: Any, customer: Any,
               day: date, order_line: OrderLine | None = None) -> Charge:
    quote, period, quantity = planned.quote, planned.period, planned.quantity
    return Charge(
        kind=planned.kind, provider_id=provider_id, reseller_id=reseller_id,
        customer_id=customer.pk, customer_organization_id=customer.organization_id,
        subscription=planned.subscription, offer=planned.offer, order_line=order_line,
        quantity=quantity, period_start=period.start, period_end=period.end,
        days=period.days, period_days=period.period_days, currency=quote.currency,
        cost_unit=quote.cost, reseller_unit=quote.reseller_price,
        customer_unit=quote.customer_price,
        cost_amount=prorate(quote.cost, quantity, period),
        reseller_amount=prorate(quote.reseller_price, quantity, period),
        customer_amount=prorate(quote.customer_price, quantity, period), posted_on=day)


def charges_record_for_orders(order_ids: list[str]) -> None:
    """The hook orders calls when orders' lines take effect: charges_for_orders."""
    charges_for_orders(order_ids)


def charges_for_order(order_id: str) -> list[Charge]:
    """charges_for_orders of one order."""
    return charges_for_orders([order_id])


def charges_for_orders(order_ids: Sequence[str]) -> list[Charge]:
    """The hook orders calls when orders' lines take effect (inside their transaction):
    each line's charges, at the prices of its order's day. A line already charged is
    skipped, so running it twice charges once. A batch (the term engine's chunk of
    renewals) costs a handful of queries: the lines, the charges already made, the last
    charges of what is credited, each provider's price rules once, one INSERT."""
    lines = list(order_lines_took_effect(order_ids=order_ids))
    if not lines:
        return []
    prices: dict[Any, Prices] = {}
    charged = set(Charge.objects.filter(order_line_id__in=[line.pk for line in lines])
                  .values_list("order_line_id", "subscription_id"))
    credits = LastQuotes({pk for line in lines for pk in _credited(line)})
    rows = []
    for line in lines:
        order = line.order
        day = timezone.localdate(order.completed_at or order.submitted_at)
        if order.provider_id not in prices:
            prices[order.provider_id] = Prices(order.provider_id)
        for planned in plan_line(line, day, prices[order.provider_id], credits):
            if (line.pk, planned.subscription.pk) in charged:
                continue
            rows.append(charge_row(planned, provider_id=order.provider_id,
                                   reseller_id=line.reseller_of_record_id,
                                   customer=planned.subscription.customer, day=day,
                                   order_line=line))
    return Charge.objects.bulk_create(rows, ignore_conflicts=True)


def monthly_base_quantities(*, provider_id: Any, first: date) -> dict[Any, int]:
    """{subscription id: licences charged since `first` by lines}: what a month's charge
    leaves out (those licences are charged to the end of their month already)."""
    rows = (Charge.objects.filter(provider_id=provider_id, posted_on__gte=first,
                                  kind__in=DELTA_KINDS)
            .values("subscription_id").annotate(delta=Sum("quantity")).order_by())
    return {row["subscription_id"]: row["delta"] for row in rows}


def month_period(first: date) -> Period:
    _first, last = month_bounds(first)
    return Period(first, last, (last - first).days + 1)


def charged_months(*, provider_id: Any, first: date) -> set[Any]:
    return set(Charge.objects.filter(provider_id=provider_id, kind=Charge.Kind.MONTHLY,
                                     period_start=first).values_list("subscription_id",
                                                                     flat=True))

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


def _last_quote(subscription: Any, offer: Offer, prices: Prices, reseller_id: Any,
                day: date) -> Quote:
    """A credit gives back what was charged: the unit prices of the subscription's latest
    charge, or today's when it has none."""
    last = (Charge.objects.filter(subscription=subscription, quantity__gt=0, offer=offer)
            .order_by("-posted_on", "-created_at").first())
    if last is None:
        return prices.quote(offer, reseller_id, day)
    return Quote(last.cost_unit, last.reseller_unit, last.customer_unit, last.currency)


def plan_line(line: OrderLine, day: date, prices: Prices) -> list[Planned]:
    """What one order line charges or credits (docs/billing.md, "Rules")."""
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
                 else _last_quote(subscription, offer, prices, reseller_id, day))
        kind = Charge.Kind.ADD_LICENSES if delta > 0 else Charge.Kind.REMOVE_LICENSES
        return [Planned(kind, subscription, offer, delta,
                        _term_period(day, offer, subscription), quote)]
    if action == CANCEL:
        return [Planned(Charge.Kind.CANCEL, subscription, offer, -line.quantity,
                        _term_period(day, offer, subscription),
                        _last_quote(subscription, offer, prices, reseller_id, day))]
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
                                   _last_quote(old, old.offer, prices, reseller_id, day)))
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
                        _last_quote(subscription, offer, prices, reseller_id, day))]
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


def charges_record_for_order(order_id: str) -> None:
    """The hook orders calls when an order's lines take effect: charges_for_order."""
    charges_for_order(order_id)


def charges_for_order(order_id: str) -> list[Charge]:
    """The hook orders calls when an order's lines take effect (inside its transaction):
    each line's charges, at the prices of the order's day. A line already charged is
    skipped, so running it twice charges once."""
    lines = list(order_lines_took_effect(order_id=order_id))
    if not lines:
        return []
    order = lines[0].order
    day = timezone.localdate(order.completed_at or order.submitted_at)
    prices = Prices(order.provider_id)
    charged = set(Charge.objects.filter(order_line__in=lines)
                  .values_list("order_line_id", "subscription_id"))
    rows = []
    for line in lines:
        for planned in plan_line(line, day, prices):
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

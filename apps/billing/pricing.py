"""The arithmetic of prices and proration: Decimal, rounded half-up to the cent
(docs/billing.md). No database here: the services pass what they read."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(amount: Decimal) -> Decimal:
    """Rounded half-up to the cent: 0.125 → 0.13, -0.125 → -0.13 (away from zero)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """A price rule: a margin % over what the list's owner pays, or a fixed unit price."""

    margin_percent: Decimal | None = None
    fixed_price: Decimal | None = None

    def apply(self, base: Decimal) -> Decimal:
        if self.fixed_price is not None:
            return cents(self.fixed_price)
        return cents(base * (HUNDRED + (self.margin_percent or Decimal(0))) / HUNDRED)


NO_MARGIN = Rule(margin_percent=Decimal(0))


def margin_percent(price: Decimal, base: Decimal) -> Decimal | None:
    """The margin of `price` over `base`, in % to two decimals (None when base is 0)."""
    if not base:
        return None
    return cents((price - base) * HUNDRED / base)


def month_bounds(day: date) -> tuple[date, date]:
    """The calendar month of `day`: its first and last day."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def next_month(day: date) -> date:
    return month_bounds(day)[1] + timedelta(days=1)


def previous_month(day: date) -> date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """Days charged: `start`..`end` inclusive, out of a billing period of `period_days`."""

    start: date
    end: date
    period_days: int

    @property
    def days(self) -> int:
        return max(0, (self.end - self.start).days + 1)


def period_from(day: date, *, monthly: bool, term_start: date, term_end: date) -> Period:
    """From `day` to the end of the billing period it falls in: the calendar month (monthly
    billing), or the term `term_start`..`term_end` (annual billing, paid up front;
    `term_end` is the first day after the term)."""
    if monthly:
        first, last = month_bounds(day)
        return Period(day, last, (last - first).days + 1)
    return Period(day, term_end - timedelta(days=1), (term_end - term_start).days)


def prorate(unit: Decimal, quantity: int, period: Period) -> Decimal:
    """unit * licences * days / days in the period, rounded half-up once, at the end."""
    if period.days == period.period_days:
        return cents(unit * quantity)
    return cents(unit * quantity * period.days / period.period_days)


def purchase_period(day: date, *, monthly: bool, term_months: int) -> Period:
    """What a purchase on `day` is charged for at once: the rest of the calendar month
    (monthly billing), or the whole term up front (annual billing)."""
    return period_from(day, monthly=monthly, term_start=day,
                       term_end=add_months(day, term_months))

"""Proration and rounding, with fixed dates: month ends, leap years, the last day of a
period, half-up cents (docs/billing.md)."""

import datetime
from decimal import Decimal

from apps.billing.pricing import Rule, cents, period_from, prorate, purchase_period

D = Decimal
day = datetime.date


def test_half_up_rounding_to_the_cent():
    assert cents(D("0.125")) == D("0.13")
    assert cents(D("0.124")) == D("0.12")
    assert cents(D("-0.125")) == D("-0.13")
    assert cents(D("2.675")) == D("2.68")  # a float would give 2.67


def test_margin_and_fixed_price_rules():
    assert Rule(margin_percent=D("15")).apply(D("12.50")) == D("14.38")  # 14.375 → up
    assert Rule(margin_percent=D("0")).apply(D("6.00")) == D("6.00")
    assert Rule(fixed_price=D("13")).apply(D("12.50")) == D("13.00")


def test_a_monthly_purchase_mid_month_pays_the_rest_of_the_month():
    period = purchase_period(day(2026, 11, 16), monthly=True, term_months=12)
    assert (period.start, period.end, period.days, period.period_days) == (
        day(2026, 11, 16), day(2026, 11, 30), 15, 30)
    # 12.50 x 3 x 15 / 30 = 18.75
    assert prorate(D("12.50"), 3, period) == D("18.75")


def test_february_of_a_leap_year_has_29_days():
    period = purchase_period(day(2028, 2, 15), monthly=True, term_months=1)
    assert (period.days, period.period_days) == (15, 29)
    # 10 x 1 x 15 / 29 = 5.1724… → 5.17
    assert prorate(D("10.00"), 1, period) == D("5.17")
    assert purchase_period(day(2026, 2, 15), monthly=True, term_months=1).period_days == 28


def test_a_change_on_the_last_day_of_the_month_is_one_day():
    period = purchase_period(day(2026, 1, 31), monthly=True, term_months=12)
    assert (period.days, period.period_days) == (1, 31)
    # 6 x 2 / 31 = 0.387… → 0.39
    assert prorate(D("6.00"), 2, period) == D("0.39")


def test_annual_billing_is_up_front_for_the_term():
    period = purchase_period(day(2027, 3, 1), monthly=False, term_months=12)
    assert (period.start, period.end, period.days, period.period_days) == (
        day(2027, 3, 1), day(2028, 2, 29), 366, 366)  # the term spans 29 February 2028
    assert prorate(D("120.00"), 2, period) == D("240.00")


def test_an_annual_increase_on_the_terms_last_day():
    period = period_from(day(2027, 2, 28), monthly=False, term_start=day(2026, 3, 1),
                         term_end=day(2027, 3, 1))
    assert (period.days, period.period_days) == (1, 365)
    # 120 x 5 x 1 / 365 = 1.6438… → 1.64
    assert prorate(D("120.00"), 5, period) == D("1.64")


def test_a_credit_rounds_away_from_zero_like_a_charge():
    period = purchase_period(day(2026, 4, 21), monthly=True, term_months=12)  # 10 of 30 days
    assert prorate(D("0.75"), -1, period) == D("-0.25")
    assert prorate(D("0.05"), -5, period) == D("-0.08")  # -0.0833… → -0.08
    assert prorate(D("0.03"), -5, period) == D("-0.05")  # -0.05 exactly

"""Charges of order lines, on fixed dates, at the prices of their day."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.billing.models import Charge
from apps.billing.services import (
    charges_for_order,
    price_list_create,
    price_rule_set,
    reseller_account_set,
)
from apps.subscriptions.services import subscription_change_quantity
from tests import factories

from .helpers import margins_set, record_line, subscribe

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def margins(contoso, northwind, offers):
    """Contoso sells to Northwind at cost + 10 %; Northwind to its customers at + 20 %."""
    default = margins_set(contoso, northwind)
    return default


def test_a_purchase_mid_month_is_charged_to_the_months_end_at_three_prices(
        adatum, northwind, offers, margins):
    standard = offers["standard"]  # 12.50 a month
    subscription = subscribe(adatum, standard, 3, day(2026, 11, 16), reseller=northwind)
    charge = Charge.objects.get(subscription=subscription)
    assert (charge.kind, charge.quantity, charge.period_start, charge.period_end,
            charge.days, charge.period_days) == ("purchase", 3, day(2026, 11, 16),
                                                 day(2026, 11, 30), 15, 30)
    # cost 12.50; Northwind pays 13.75 (+10 %); Adatum pays 16.50 (+20 %)
    assert (charge.cost_unit, charge.reseller_unit, charge.customer_unit) == (
        D("12.50"), D("13.75"), D("16.50"))
    # x 3 licences x 15/30 days
    assert (charge.cost_amount, charge.reseller_amount, charge.customer_amount) == (
        D("18.75"), D("20.63"), D("24.75"))
    assert charge.reseller_id == northwind.pk
    assert charge.currency == "USD"


def test_licences_added_on_the_last_day_and_removed_within_the_window(
        adatum, northwind, offers, margins):
    basic = offers["basic"]  # 6.00
    subscription = subscribe(adatum, basic, 2, day(2026, 1, 28), reseller=northwind)
    [added] = record_line(subscription, "add_licenses", 5, day(2026, 1, 31),
                          previous_quantity=2)
    assert (added.quantity, added.days, added.period_days) == (3, 1, 31)
    assert added.cost_amount == D("0.58")  # 6 x 3 / 31 = 0.5806…
    [removed] = record_line(subscription, "remove_licenses", 4, day(2026, 1, 31),
                            previous_quantity=5)
    assert removed.quantity == -1
    assert removed.cost_amount == D("-0.19")


def test_a_cancellation_credits_the_rest_of_the_month_at_the_prices_charged(
        adatum, northwind, offers, margins):
    basic = offers["basic"]
    subscription = subscribe(adatum, basic, 4, day(2026, 3, 10), reseller=northwind)
    # Contoso raises Northwind's price afterwards: the credit gives back what was charged.
    price_rule_set(price_list=margins, offer=basic, margin_percent=None, fixed_price=D("9.99"),
                   effective_from=day(2026, 3, 12), actor=None)
    [credit] = record_line(subscription, "cancel", 4, day(2026, 3, 15), previous_quantity=4)
    assert (credit.kind, credit.quantity, credit.days, credit.period_days) == (
        "cancel", -4, 17, 31)
    assert credit.reseller_unit == D("6.60")  # not 9.99
    purchase = Charge.objects.get(subscription=subscription, kind="purchase")
    # 22 days bought (24 x 22/31 = 17.032…), 17 given back (24 x 17/31 = 13.161…): days
    # 10-14 remain charged.
    assert (purchase.cost_amount, credit.cost_amount) == (D("17.03"), D("-13.16"))


def test_annual_billing_up_front_and_a_renewal_charges_the_new_term(
        adatum, offers, contoso):
    annual = factories.OfferFactory(code="annual", name="Annual plan", unit_price="120.00",
                                    billing_period="annual", term_months=12)
    subscription = subscribe(adatum, annual, 2, day(2027, 3, 1))
    purchase = Charge.objects.get(subscription=subscription)
    assert (purchase.period_end, purchase.days, purchase.cost_amount) == (
        day(2028, 2, 29), 366, D("240.00"))
    # Renewed on its term end: a new term, a new charge for it.
    subscription.term_start, subscription.term_end = day(2028, 3, 1), day(2029, 3, 1)
    subscription.save()
    [renewal] = record_line(subscription, "renewal", 2, day(2028, 3, 1), previous_quantity=2)
    assert (renewal.kind, renewal.period_start, renewal.period_end, renewal.cost_amount) == (
        "renewal", day(2028, 3, 1), day(2029, 2, 28), D("240.00"))


def test_a_monthly_subscription_that_expires_mid_month_gets_the_rest_back(adatum, offers):
    subscription = subscribe(adatum, offers["basic"], 2, day(2026, 1, 1))
    [credit] = record_line(subscription, "expire", 2, day(2026, 12, 20))
    assert (credit.quantity, credit.period_start, credit.period_end) == (
        -2, day(2026, 12, 20), day(2026, 12, 31))
    assert credit.cost_amount == D("-4.65")  # 6 x 2 x 12/31 = 4.645… → 4.65
    assert record_line(subscription, "renewal", 2, day(2026, 12, 20)) == []  # monthly: none


def test_an_upgrade_charges_the_new_offer_and_credits_the_old(adatum, offers):
    old = subscribe(adatum, offers["basic"], 3, day(2026, 6, 1))
    new = factories.SubscriptionFactory(customer=adatum, offer=offers["standard"],
                                        quantity=3, term_start=day(2026, 6, 11),
                                        term_end=day(2027, 6, 11))
    old.status, old.replaced_by = "upgraded", new
    old.save()
    charges = record_line(new, "upgrade", 3, day(2026, 6, 11), previous_quantity=3,
                          previous_offer=offers["basic"])
    by_kind = {charge.kind: charge for charge in charges}
    assert by_kind["upgrade"].cost_amount == D("25.00")  # 12.50 x 3 x 20/30
    assert by_kind["upgrade_credit"].subscription_id == old.pk
    assert by_kind["upgrade_credit"].cost_amount == D("-12.00")  # 6 x 3 x 20/30


def test_a_line_charged_twice_is_charged_once(adatum, offers):
    subscription = subscribe(adatum, offers["basic"], 1, day(2026, 5, 5))
    line = Charge.objects.get(subscription=subscription).order_line
    assert charges_for_order(str(line.order_id)) == []
    assert Charge.objects.filter(subscription=subscription).count() == 1


def test_a_reseller_list_of_its_own_and_a_fixed_price_win_over_the_default(
        contoso, northwind, adatum, offers, margins):
    gold = price_list_create(owner=contoso, name="Gold", actor=None)
    price_rule_set(price_list=gold, offer=offers["premium"], margin_percent=None,
                   fixed_price=D("23.00"), effective_from=day(2026, 1, 1), actor=None)
    reseller_account_set(provider=contoso, reseller=northwind, price_list=gold,
                         credit_limit=None, actor=None)
    premium = subscribe(adatum, offers["premium"], 1, day(2026, 9, 1),
                        reseller=northwind)
    basic = subscribe(adatum, offers["basic"], 1, day(2026, 9, 1), reseller=northwind)
    assert Charge.objects.get(subscription=premium).reseller_unit == D("23.00")
    # Gold has no rule for Basic and no list-wide margin: cost.
    assert Charge.objects.get(subscription=basic).reseller_unit == D("6.00")


def test_a_rule_applies_from_its_effective_date(contoso, adatum, offers, margins):
    price_rule_set(price_list=margins, offer=None, margin_percent=D("50"), fixed_price=None,
                   effective_from=day(2026, 7, 1), actor=None)
    before = subscribe(adatum, offers["basic"], 1, day(2026, 6, 30))
    after = subscribe(adatum, offers["standard"], 1, day(2026, 7, 1))
    # A direct customer pays the provider's default list.
    assert Charge.objects.get(subscription=before).reseller_unit == D("6.60")
    assert Charge.objects.get(subscription=after).reseller_unit == D("18.75")


def test_a_real_licence_change_is_charged_through_the_orders_hook(
        adatum, northwind, offers, margins, contoso_admin, contoso):

    subscription = factories.SubscriptionFactory(customer=adatum,
                                                 offer=offers["basic"], quantity=2,
                                                 reseller_of_record=northwind)
    subscription_change_quantity(subscription=subscription, quantity=4, actor=contoso_admin,
                                 organization=contoso)
    charge = Charge.objects.get(subscription=subscription)
    assert charge.kind == "add_licenses"
    assert charge.quantity == 2
    assert charge.posted_on == timezone.localdate()

"""The term engine with fixed dates: renewals (month ends, leap years, monthly and 12-month
terms), expiries, running twice, concurrently, late, and a failure that stays one
subscription's."""

from datetime import date

import pytest
from django.db.models import OuterRef

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.errors import DomainError
from apps.orders import hooks as order_hooks
from apps.orders.models import Order, OrderLine
from apps.subscriptions.models import Subscription
from apps.subscriptions.selectors import subscription_totals
from apps.subscriptions.services import subscription_change_quantity
from apps.subscriptions.terms import next_term_end, renewal_key, terms_run
from tests import factories
from tests.concurrency import at_once

Status = Subscription.Status


@pytest.fixture
def monthly(db):
    return factories.OfferFactory(code="monthly", name="Teams Monthly", term_months=1,
                                  billing_period="monthly")


@pytest.fixture
def yearly_billed_monthly(db):
    return factories.OfferFactory(code="yearly", name="Business Basic (annual)",
                                  term_months=12, billing_period="monthly")


@pytest.fixture
def due_sub(customer, reseller, provider):
    def _make(offer, start, end, *, auto_renew=True, status=Status.ACTIVE, quantity=5):
        return factories.SubscriptionFactory(
            customer=customer, offer=offer, quantity=quantity, status=status,
            auto_renew=auto_renew, reseller_of_record=reseller, support_contact=provider,
            term_start=start, term_end=end)
    return _make


@pytest.fixture
def took_effect():
    """The order ids orders.hooks.orders_took_effect announced (what billing charges)."""
    seen = []
    order_hooks.on_orders_took_effect.append(seen.extend)
    yield seen
    order_hooks.on_orders_took_effect.remove(seen.extend)


def terms(sub):
    sub.refresh_from_db()
    return sub.term_start, sub.term_end


def test_a_monthly_subscription_from_jan_31_ends_on_each_months_last_day_then_the_31st(
        due_sub, monthly):
    sub = due_sub(monthly, date(2027, 1, 31), date(2027, 2, 28))
    terms_run(today=date(2027, 2, 28))
    assert terms(sub) == (date(2027, 2, 28), date(2027, 3, 31))
    terms_run(today=date(2027, 3, 31))
    assert terms(sub) == (date(2027, 3, 31), date(2027, 4, 30))
    terms_run(today=date(2027, 4, 30))
    assert terms(sub) == (date(2027, 4, 30), date(2027, 5, 31))
    assert OrderLine.objects.filter(subscription=sub, action="renewal").count() == 3


def test_a_leap_year_monthly_january_31_renews_to_february_29(due_sub, monthly):
    sub = due_sub(monthly, date(2028, 1, 31), date(2028, 2, 29))
    terms_run(today=date(2028, 2, 29))
    assert terms(sub) == (date(2028, 2, 29), date(2028, 3, 31))


def test_a_12_month_term_billed_monthly_keeps_12_months_and_feb_29_comes_back(
        due_sub, yearly_billed_monthly):
    # Bought on Feb 29, 2028: its terms end on Feb 28 until a leap year brings the 29th back.
    sub = due_sub(yearly_billed_monthly, date(2028, 2, 29), date(2029, 2, 28))
    terms_run(today=date(2029, 2, 28))
    assert terms(sub) == (date(2029, 2, 28), date(2030, 2, 28))
    # Three years late (the engine was down): term by term, one renewal order per term.
    terms_run(today=date(2032, 3, 1))
    assert terms(sub) == (date(2032, 2, 29), date(2033, 2, 28))
    assert OrderLine.objects.filter(subscription=sub, action="renewal").count() == 4


def test_next_term_end_uses_the_offers_term(due_sub, monthly, yearly_billed_monthly):
    sub = due_sub(yearly_billed_monthly, date(2026, 8, 31), date(2027, 8, 31))
    assert next_term_end(sub, date(2027, 8, 31)) == date(2028, 8, 31)
    sub = due_sub(monthly, date(2026, 8, 31), date(2026, 9, 30))
    assert next_term_end(sub, date(2026, 9, 30)) == date(2026, 10, 31)


def test_a_renewal_is_a_charged_order_audited_with_the_reduction_window_open_again(
        due_sub, yearly_billed_monthly, took_effect, provider, reseller_admin, reseller):
    sub = due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9))
    run = terms_run(today=date(2027, 3, 9))
    assert (run.renewed, run.expired, run.failed) == (1, 0, [])
    line = OrderLine.objects.get(subscription=sub, action="renewal")
    assert (line.quantity, line.order.kind, line.order.status) == (5, "change", "completed")
    assert line.order.idempotency_key == renewal_key(sub, date(2027, 3, 9))
    assert took_effect == [str(line.order_id)]
    event = AuditEvent.objects.get(action="subscription.renewed", target_id=str(sub.pk))
    assert event.organization == provider
    assert event.data["term_end"] == "2028-03-09"
    sub.refresh_from_db()
    assert sub.status == Status.ACTIVE
    # Day 3 of the new term: licenses can be removed again (the window reopened).
    assert sub.reduction_days_left(date(2027, 3, 11)) == 5
    subscription_change_quantity(subscription=sub, quantity=3, actor=reseller_admin,
                                 organization=reseller, today=date(2027, 3, 11))
    sub.refresh_from_db()
    assert sub.quantity == 3


def test_auto_renew_off_expires_frees_the_licenses_and_turns_read_only(
        due_sub, yearly_billed_monthly, customer, reseller, reseller_admin, took_effect):
    kept = due_sub(yearly_billed_monthly, date(2026, 6, 1), date(2027, 6, 1), quantity=2)
    sub = due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9), auto_renew=False)
    totals = Customer.objects.annotate(**subscription_totals(customer=OuterRef("pk")))
    assert totals.get(pk=customer.pk).license_count == 7
    run = terms_run(today=date(2027, 3, 9))
    assert (run.renewed, run.expired) == (0, 1)
    sub.refresh_from_db()
    assert (sub.status, sub.term_end) == (Status.EXPIRED, date(2027, 3, 9))
    assert not sub.is_open
    line = OrderLine.objects.get(subscription=sub, action="expire")
    assert took_effect == [str(line.order_id)]
    assert AuditEvent.objects.filter(action="subscription.expired", target_id=str(sub.pk)).exists()
    # Its licenses no longer count; the other subscription's do.
    row = totals.get(pk=customer.pk)
    assert (row.subscription_count, row.license_count) == (1, 2)
    with pytest.raises(DomainError):
        subscription_change_quantity(subscription=sub, quantity=6, actor=reseller_admin,
                                     organization=reseller, today=date(2027, 3, 10))
    kept.refresh_from_db()
    assert kept.term_end == date(2027, 6, 1)


def test_a_suspended_subscription_expires_with_its_term_even_with_auto_renew_on(
        due_sub, yearly_billed_monthly):
    sub = due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9),
               status=Status.SUSPENDED)
    run = terms_run(today=date(2027, 3, 9))
    assert run.expired == 1
    sub.refresh_from_db()
    assert sub.status == Status.EXPIRED
    assert AuditEvent.objects.get(action="subscription.expired").data["previous_status"] == (
        "suspended")


def test_nothing_before_term_end_and_closed_subscriptions_are_left_alone(
        due_sub, yearly_billed_monthly):
    future = due_sub(yearly_billed_monthly, date(2026, 3, 10), date(2027, 3, 10))
    cancelled = due_sub(yearly_billed_monthly, date(2026, 3, 1), date(2027, 3, 1),
                     status=Status.CANCELLED)
    run = terms_run(today=date(2027, 3, 9))
    assert (run.renewed, run.expired) == (0, 0)
    assert terms(future) == (date(2026, 3, 10), date(2027, 3, 10))
    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED


def test_running_twice_renews_once(due_sub, yearly_billed_monthly, monthly):
    subs = [due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9)),
            due_sub(monthly, date(2027, 2, 9), date(2027, 3, 9)),
            due_sub(monthly, date(2027, 2, 9), date(2027, 3, 9), auto_renew=False)]
    first = terms_run(today=date(2027, 3, 9), chunk=2)
    second = terms_run(today=date(2027, 3, 9))
    assert (first.renewed, first.expired) == (2, 1)
    assert (second.renewed, second.expired) == (0, 0)
    assert OrderLine.objects.filter(subscription__in=subs).count() == 3
    assert terms(subs[1]) == (date(2027, 3, 9), date(2027, 4, 9))


def test_three_days_late_the_new_term_starts_at_the_old_term_end(due_sub, yearly_billed_monthly):
    sub = due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9))
    terms_run(today=date(2027, 3, 12))
    assert terms(sub) == (date(2027, 3, 9), date(2028, 3, 9))
    # The window counts from the new term's start: 4 of its 7 days are left.
    assert sub.reduction_days_left(date(2027, 3, 12)) == 4
    assert OrderLine.objects.filter(subscription=sub, action="renewal").count() == 1


def test_a_failing_subscription_is_left_for_the_next_run_and_the_others_renew(
        due_sub, yearly_billed_monthly, monkeypatch):
    subs = [due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9)) for _ in range(5)]
    bad = subs[2]

    def billing_breaks(order_ids):
        if OrderLine.objects.filter(order_id__in=order_ids, subscription=bad).exists():
            raise RuntimeError("billing is down for this one")
    order_hooks.on_orders_took_effect.append(billing_breaks)
    try:
        run = terms_run(today=date(2027, 3, 9), chunk=10)
    finally:
        order_hooks.on_orders_took_effect.remove(billing_breaks)
    assert (run.renewed, run.failed) == (4, [str(bad.pk)])
    assert terms(bad) == (date(2026, 3, 9), date(2027, 3, 9))
    assert not OrderLine.objects.filter(subscription=bad).exists()
    assert terms(subs[0])[1] == date(2028, 3, 9)
    # The next run (the next day) renews it, once.
    assert terms_run(today=date(2027, 3, 10)).renewed == 1
    assert terms(bad) == (date(2027, 3, 9), date(2028, 3, 9))


def test_a_run_out_of_time_does_one_chunk_and_says_more_is_left(due_sub, yearly_billed_monthly):
    for _ in range(3):
        due_sub(yearly_billed_monthly, date(2026, 3, 9), date(2027, 3, 9))
    run = terms_run(today=date(2027, 3, 9), seconds=0, chunk=2)
    assert (run.renewed, run.more) == (2, True)
    run = terms_run(today=date(2027, 3, 9), seconds=0, chunk=2)
    assert (run.renewed, run.more) == (1, False)


@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_renew_each_subscription_once(due_sub, yearly_billed_monthly,
                                                              monthly):
    subs = [due_sub(yearly_billed_monthly if n % 2 else monthly,
                 date(2026, 3, 9), date(2027, 3, 9), auto_renew=n % 5 != 0)
            for n in range(40)]
    results, errors = at_once(lambda: terms_run(today=date(2027, 3, 9), chunk=3), times=4)
    assert errors == []
    assert sum(r.renewed for r in results) == 32
    assert sum(r.expired for r in results) == 8
    lines = OrderLine.objects.filter(subscription__in=subs)
    assert lines.filter(action="renewal").count() == 32
    assert lines.filter(action="expire").count() == 8
    assert Order.objects.filter(kind="change").count() == 40

"""The daily figures, kept order by order through the outbox, agree with the live tables;
a rebuild makes the same rows; an order counted twice counts once."""

from collections import Counter, defaultdict

import pytest
from django.db.models import Sum
from django.utils import timezone

from apps.analytics import services
from apps.analytics.models import (
    FLOWS,
    AppliedOrder,
    DailyRollup,
    ProviderDay,
    ResellerMonth,
    RunningTotal,
)
from apps.customers.models import Customer
from apps.orders.models import Order, OrderLine
from apps.outbox.models import OutboxMessage
from apps.subscriptions.models import Subscription

pytestmark = pytest.mark.django_db


def rollups():
    return {(r.provider_id, r.reseller_id, r.offer_id, r.day): tuple(getattr(r, f) for f in FLOWS)
            for r in DailyRollup.objects.all()}


def test_figures_after_a_day_of_orders_agree_with_the_live_tables(contoso, trading_day):
    today = timezone.localdate()
    live = Subscription.objects.filter(provider=contoso, status__in=["active", "suspended"])
    # Live subscriptions and licences per (reseller of record, offer): running totals and
    # the days' net changes both.
    expected = defaultdict(lambda: [0, 0])
    for s in live:
        expected[(s.reseller_of_record_id, s.offer_id)][0] += 1
        expected[(s.reseller_of_record_id, s.offer_id)][1] += s.quantity
    totals = {(t.reseller_id, t.offer_id): [t.subscriptions, t.licences]
              for t in RunningTotal.objects.filter(provider=contoso) if t.subscriptions}
    assert totals == dict(expected)
    nets = (DailyRollup.objects.filter(provider=contoso).values("reseller_id", "offer_id")
            .annotate(s=Sum("subscriptions_net"), n=Sum("licences_net")))
    assert {(r["reseller_id"], r["offer_id"]): [r["s"], r["n"]] for r in nets
            if r["s"]} == dict(expected)

    day = DailyRollup.objects.filter(provider=contoso, day=today)
    # Every purchase line is a new subscription; cancellations match the cancelled ones.
    purchases = Counter((line.reseller_of_record_id, line.offer_id) for line in
                        OrderLine.objects.filter(order__provider=contoso, action="purchase",
                                                 order__status="completed"))
    assert Counter({(r.reseller_id, r.offer_id): r.new_subscriptions
                    for r in day if r.new_subscriptions}) == purchases
    cancelled = Counter((s.reseller_of_record_id, s.offer_id) for s in
                        Subscription.objects.filter(provider=contoso, cancelled_on=today))
    assert Counter({(r.reseller_id, r.offer_id): r.cancelled for r in day
                    if r.cancelled}) == cancelled == Counter(
        {(trading_day["nwone"].reseller_id, trading_day["nwone"].subscriptions.get(
            offer__code="standard").offer_id): 1,
         (trading_day["fbone"].reseller_id, trading_day["fbone"].subscriptions.get(
             offer__code="premium").offer_id): 1})
    new_customers = Counter(Customer.objects.filter(provider=contoso, created_at__date=today)
                            .values_list("reseller_id", flat=True))
    by_reseller = Counter()
    for r in day:
        by_reseller[r.reseller_id] += r.new_customers
    assert +by_reseller == new_customers
    assert sum(r.suspended for r in day) == 2
    assert sum(r.reactivated for r in day) == 1
    assert sum(r.upgraded for r in day) == 1
    assert sum(r.licences_added for r in day) == 4
    assert sum(r.licences_removed for r in day) == 5
    # Every order that took effect was counted, once, through an outbox row of its own.
    orders = set(Order.objects.filter(provider=contoso, status="completed")
                 .values_list("pk", flat=True))
    assert set(AppliedOrder.objects.values_list("order_id", flat=True)) == orders
    assert OutboxMessage.objects.filter(task="apps.analytics.tasks.rollup_orders").count() \
        == len(orders)


def summaries():
    return (sorted(ResellerMonth.objects.values_list(
                "reseller_id", "month", "new_subscriptions", "licences_sold", "cancelled",
                "suspended"), key=str),
            sorted(ProviderDay.objects.values_list("provider_id", "day", "new_subscriptions",
                                                   "cancelled", "suspended"), key=str))


def test_rebuild_makes_the_rows_the_orders_made_one_by_one(trading_day):
    incremental = rollups()
    months_and_days = summaries()
    totals = sorted(RunningTotal.objects.values_list("reseller_id", "offer_id",
                                                     "subscriptions", "licences", "customers"),
                    key=str)
    result = services.rollup_rebuild()
    assert rollups() == incremental
    assert summaries() == months_and_days
    assert months_and_days[1][0][2:] == (9, 2, 2)  # today: 9 new, 2 cancelled, 2 suspended
    assert sorted(RunningTotal.objects.values_list("reseller_id", "offer_id", "subscriptions",
                                                   "licences", "customers"), key=str) == totals
    assert result["orders"] == Order.objects.filter(status="completed").count()


def test_an_order_counted_twice_counts_once(trading_day):
    before = rollups()
    order = Order.objects.filter(status="completed").first()
    assert services.rollup_apply(order_id=order.pk) is False
    assert rollups() == before
    # Forgotten (as if the task had never run), it is counted again: once more.
    AppliedOrder.objects.filter(order_id=order.pk).delete()
    assert services.rollup_apply(order_id=order.pk) is True
    assert rollups() != before


def test_an_order_not_yet_completed_is_left_for_later(contoso, submit):
    order = submit(execute=False)
    assert services.rollup_apply(order_id=order.pk) is False
    assert not AppliedOrder.objects.filter(order_id=order.pk).exists()

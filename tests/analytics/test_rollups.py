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
    RollupMove,
    RunningTotal,
)
from apps.customers.models import Customer
from apps.orders.models import Order, OrderLine
from apps.outbox.models import OutboxMessage
from apps.partnerships.models import Partnership
from apps.partnerships.services import partnership_end
from apps.relationships.services import (
    customer_remove_reseller,
    relationship_request_answer,
    relationship_request_create,
)
from apps.subscriptions import services as subscriptions
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


def live_by_reseller(provider):
    """Live subscriptions and licences per (reseller of record, offer), and active customers
    per managing reseller, from the live tables."""
    subscriptions = defaultdict(lambda: [0, 0])
    for s in Subscription.objects.filter(provider=provider, status__in=["active", "suspended"]):
        subscriptions[(s.reseller_of_record_id, s.offer_id)][0] += 1
        subscriptions[(s.reseller_of_record_id, s.offer_id)][1] += s.quantity
    customers = Counter(Customer.objects.filter(provider=provider, status="active")
                        .values_list("reseller_id", flat=True))
    return dict(subscriptions), +customers


def figures_by_reseller(provider):
    totals = RunningTotal.objects.filter(provider=provider)
    subscriptions = {(t.reseller_id, t.offer_id): [t.subscriptions, t.licences]
                     for t in totals if t.subscriptions}
    customers = Counter()
    for t in totals:
        customers[t.reseller_id] += t.customers
    # The days' net changes add up to the same.
    nets = defaultdict(lambda: [0, 0])
    day_customers = Counter()
    for r in DailyRollup.objects.filter(provider=provider):
        nets[(r.reseller_id, r.offer_id)][0] += r.subscriptions_net
        nets[(r.reseller_id, r.offer_id)][1] += r.licences_net
        day_customers[r.reseller_id] += r.customers_net
    assert {k: v for k, v in nets.items() if v[0]} == subscriptions
    assert +day_customers == +customers
    return subscriptions, +customers


def test_changes_of_credit_without_an_order_reach_the_figures(
        contoso, contoso_admin, northwind, fabrikam_partnered, trading_day,
        django_capture_on_commit_callbacks):
    """A reseller of record set by hand, a customer moved to another reseller (Change
    reseller: its subscriptions follow), a reseller's access removed, a partnership ended:
    no order records them, the figures follow all the same — incrementally, through the
    outbox, and in a rebuild."""
    who = {"actor": contoso_admin, "organization": contoso}
    before_orders = Order.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        # By hand: Contoso's own basic subscription is credited to Fabrikam now, and one of
        # Northwind's to nobody.
        subscriptions.subscription_set_reseller_of_record(
            subscription=Subscription.objects.get(customer=trading_day["ownone"]),
            reseller=fabrikam_partnered, **who)
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscription_set_reseller_of_record(
            subscription=Subscription.objects.get(customer=trading_day["nwtwo"],
                                                  offer__code="premium"),
            reseller=None, **who)
    # Change reseller: Northwind's nwone goes to Fabrikam, with its open subscriptions.
    customer = trading_day["nwone"]
    with django_capture_on_commit_callbacks(execute=True):
        relationship = relationship_request_create(provider=contoso, customer=customer,
                                                   reseller=fabrikam_partnered,
                                                   actor=contoso_admin)
    with django_capture_on_commit_callbacks(execute=True):
        relationship_request_answer(relationship=relationship, approve=True,
                                    actor=contoso_admin)
    # Remove access: fbtwo's admin ends Fabrikam's access (its subscriptions stay credited).
    fbtwo = Customer.objects.get(pk=trading_day["fbtwo"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        customer_remove_reseller(customer=fbtwo, actor=contoso_admin)
    assert Order.objects.count() == before_orders  # none of it is an order

    subscriptions_live, customers_live = live_by_reseller(contoso)
    assert figures_by_reseller(contoso) == (subscriptions_live, customers_live)
    # What the user sees moved: Fabrikam now has nwone, Northwind lost it.
    assert customers_live[fabrikam_partnered.pk] == 2  # fbone, nwone
    assert customers_live[northwind.pk] == 2           # nwtwo, nwthree
    moves = RollupMove.objects.all()
    # Two by hand; nwone's open basic subscription and nwone itself (off Northwind, onto
    # Fabrikam: two steps); fbtwo off Fabrikam.
    assert moves.count() == 6
    assert all(m.counted for m in moves)
    assert OutboxMessage.objects.filter(task="apps.analytics.tasks.rollup_move").count() \
        == moves.count()

    # The partnership with Northwind ends: its customers are the provider's own.
    with django_capture_on_commit_callbacks(execute=True):
        partnership_end(partnership=Partnership.objects.get(provider=contoso, reseller=northwind,
                                                            status="active"),
                        actor=contoso_admin)
    subscriptions_live, customers_live = live_by_reseller(contoso)
    assert northwind.pk not in customers_live
    assert figures_by_reseller(contoso) == (subscriptions_live, customers_live)

    # A rebuild counts the same changes from the ledger: the same rows.
    incremental = rollups()
    totals = sorted(RunningTotal.objects.values_list("reseller_id", "offer_id",
                                                     "subscriptions", "licences", "customers"),
                    key=str)
    services.rollup_rebuild()
    assert rollups() == incremental
    assert sorted(RunningTotal.objects.values_list("reseller_id", "offer_id", "subscriptions",
                                                   "licences", "customers"), key=str) == totals
    # A move delivered again after the rebuild counts nothing more.
    assert services.rollup_move_apply(move_id=moves.first().pk) is False
    assert rollups() == incremental

"""A chunk of the term engine is one batch for the apps that hear of orders taking effect:
billing charges every renewal (and credits every expiry at what was last charged), the
analytics count them from one outbox message, and doing either again adds nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from apps.analytics import services as analytics
from apps.analytics.models import DailyRollup
from apps.billing.models import Charge
from apps.billing.services import charges_for_orders
from apps.orders.models import OrderLine
from apps.outbox.models import OutboxMessage
from apps.subscriptions.terms import terms_run
from tests import factories
from tests.billing.helpers import subscribe

pytestmark = pytest.mark.django_db
day = datetime.date


def figures():
    return DailyRollup.objects.aggregate(renewed=Sum("renewed"), expired=Sum("expired"))


def test_a_chunk_is_charged_and_counted_once_from_one_outbox_message(
        contoso, northwind, adatum, on_commit):
    annual = factories.OfferFactory(code="annual", billing_period="annual",
                                    unit_price="120.00")
    monthly = factories.OfferFactory(code="teams", billing_period="monthly", term_months=1,
                                     unit_price="4.00")
    renewing = [factories.SubscriptionFactory(
        customer=adatum, offer=annual, quantity=2 + n, reseller_of_record=northwind,
        term_start=day(2026, 3, 9), term_end=day(2027, 3, 9)) for n in range(4)]
    # Bought on 9 February (charged then), auto-renew off: it expires on 9 March.
    ending = subscribe(adatum, monthly, 3, day(2027, 2, 9), reseller=northwind)
    ending.auto_renew = False
    ending.save()
    bought = Charge.objects.get(subscription=ending)
    OutboxMessage.objects.all().delete()

    with on_commit():
        run = terms_run(today=day(2027, 3, 9))
    assert (run.renewed, run.expired) == (4, 1)

    orders = sorted(str(pk) for pk in OrderLine.objects.filter(
        action__in=["renewal", "expire"]).values_list("order_id", flat=True))
    # One message for the chunk, carrying its five orders; counted once it committed.
    message = OutboxMessage.objects.get()
    assert (message.task, message.kwargs, message.status) == (
        "apps.analytics.tasks.rollup_orders", {"order_ids": orders}, "done")
    assert figures() == {"renewed": 4, "expired": 1}
    # Each annual renewal charged for its new year, at the day's price.
    renewals = Charge.objects.filter(kind="renewal").order_by("quantity")
    assert [(c.subscription_id, c.quantity, c.cost_unit, c.period_start, c.period_end)
            for c in renewals] == [
        (sub.pk, sub.quantity, Decimal("120.00"), day(2027, 3, 9), day(2028, 3, 8))
        for sub in renewing]
    # The expiry gives back the rest of the month at what the purchase was charged.
    credit = Charge.objects.get(kind="expire")
    assert (credit.subscription_id, credit.quantity) == (ending.pk, -3)
    assert (credit.cost_unit, credit.reseller_unit, credit.customer_unit) == (
        bought.cost_unit, bought.reseller_unit, bought.customer_unit)

    # The task delivered again, or billing's hook run again: nothing more.
    charges = Charge.objects.count()
    assert analytics.rollup_apply_many(order_ids=orders) == 0
    assert charges_for_orders(orders) == []
    assert figures() == {"renewed": 4, "expired": 1}
    assert Charge.objects.count() == charges

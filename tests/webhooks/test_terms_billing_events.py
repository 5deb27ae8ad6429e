"""The events of the term engine and of the month close: subscription.renewed and
subscription.expired (a chunk of renewals at once), invoice.issued; each reaches the
endpoints of the provider and of the delegated reseller (the invoice's issuer and
recipient) once, never a stranger's, however often the engine or the close runs."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from apps.billing.services import month_close, price_list_create, price_rule_set
from apps.orders.models import Order, OrderLine
from apps.orders.services import Change
from apps.subscriptions.terms import _announce, terms_run
from apps.webhooks.events import EVENTS
from apps.webhooks.models import WebhookDelivery
from tests import factories
from tests.billing.helpers import subscribe

from .conftest import endpoint_for

pytestmark = pytest.mark.django_db
day = datetime.date


def received(receiver):
    """{path: Counter(event type)} of what the receiver took (verified, 2xx)."""
    seen = {}
    for got in receiver.received:
        assert got.verified, got
        seen.setdefault(got.path, Counter())[got.payload["type"]] += 1
    return seen


@pytest.fixture
def listening_parties(contoso, northwind, fabrikam, receiver):
    """Endpoints of Contoso (the provider), Northwind (the reseller Adatum is delegated to)
    and Fabrikam (a stranger), each subscribed to every event."""
    for organization, path in ((contoso, "/contoso"), (northwind, "/northwind"),
                               (fabrikam, "/fabrikam")):
        endpoint_for(organization, receiver, list(EVENTS), path=path)
    return receiver


def test_renewals_and_expiries_reach_the_provider_and_the_reseller_once(
        contoso, northwind, adatum, offers, listening_parties, on_commit):
    renewing = [factories.SubscriptionFactory(
        customer=adatum, offer=offers["basic"], quantity=4 + n, auto_renew=True,
        reseller_of_record=northwind, term_start=day(2026, 3, 9), term_end=day(2027, 3, 9))
        for n in range(3)]
    ending = factories.SubscriptionFactory(
        customer=adatum, offer=offers["standard"], quantity=2, auto_renew=False,
        reseller_of_record=northwind, term_start=day(2026, 3, 9), term_end=day(2027, 3, 9))
    with on_commit():
        run = terms_run(today=day(2027, 3, 9), chunk=2)  # two chunks
    assert (run.renewed, run.expired) == (3, 1)
    with on_commit():
        again = terms_run(today=day(2027, 3, 9))
    assert (again.renewed, again.expired) == (0, 0)

    expected = Counter({"subscription.renewed": 3, "subscription.expired": 1})
    assert received(listening_parties) == {"/contoso": expected, "/northwind": expected}
    assert set(listening_parties.accepted().values()) == {1}
    renewed = sorted((r.payload["data"] for r in listening_parties.received
                      if r.path == "/northwind" and r.payload["type"] == "subscription.renewed"),
                     key=lambda data: data["quantity"])
    assert [(d["id"], d["quantity"], d["term_start"], d["term_end"], d["previous_term_end"])
            for d in renewed] == [
        (str(sub.pk), sub.quantity, "2027-03-09", "2028-03-09", "2027-03-09")
        for sub in renewing]
    expired = next(r.payload["data"] for r in listening_parties.received
                   if r.payload["type"] == "subscription.expired")
    assert (expired["id"], expired["status"], expired["offer"], expired["provider_id"]) == (
        str(ending.pk), "expired", "standard", str(contoso.pk))
    assert expired["order_id"]


def test_a_chunk_done_again_sends_nothing_twice(contoso, northwind, adatum, offers,
                                                listening_parties, on_commit):
    """The same term end renewed twice (a chunk replayed after its commit was lost) is one
    event per endpoint: the event's key is the subscription and the term end it reached."""
    sub = factories.SubscriptionFactory(
        customer=adatum, offer=offers["basic"], quantity=3, reseller_of_record=northwind,
        term_start=day(2026, 3, 9), term_end=day(2027, 3, 9))
    with on_commit():
        terms_run(today=day(2027, 3, 9))
    deliveries = WebhookDelivery.objects.count()
    line = OrderLine.objects.get(subscription=sub, action="renewal")
    change = Change(subscription=sub, action="renewal", quantity=3, previous_quantity=3,
                    idempotency_key=line.order.idempotency_key)
    with on_commit():
        _announce([change], [Order.objects.get(pk=line.order_id)], {sub.pk: day(2027, 3, 9)})
    assert WebhookDelivery.objects.count() == deliveries == 2
    assert received(listening_parties) == {
        "/contoso": Counter({"subscription.renewed": 1}),
        "/northwind": Counter({"subscription.renewed": 1})}


def test_invoices_issued_reach_the_issuer_and_the_recipient_once(
        contoso, northwind, adatum, offers, listening_parties, on_commit):
    default = price_list_create(owner=contoso, name="Resellers", is_default=True, actor=None)
    price_rule_set(price_list=default, offer=None, margin_percent=Decimal("10"),
                   fixed_price=None, effective_from=day(2020, 1, 1), actor=None)
    direct = factories.CustomerFactory(provider=contoso, reseller=None,
                                       organization__name="Blue Yonder")
    subscribe(adatum, offers["standard"], 3, day(2026, 10, 16), reseller=northwind)
    subscribe(direct, offers["basic"], 2, day(2026, 10, 1))
    with on_commit():
        closed = month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    assert closed.invoices == 2
    with on_commit():
        assert month_close(month=day(2026, 10, 1), today=day(2026, 11, 1)).invoices == 0

    # Contoso issued both invoices; Northwind received one; the statement Northwind drafts
    # for Adatum is not issued, and Fabrikam hears of nothing.
    assert received(listening_parties) == {
        "/contoso": Counter({"invoice.issued": 2}),
        "/northwind": Counter({"invoice.issued": 1})}
    assert set(listening_parties.accepted().values()) == {1}
    to_northwind = next(r.payload["data"] for r in listening_parties.received
                        if r.path == "/northwind")
    assert to_northwind["issuer"] == {"id": str(contoso.pk), "name": contoso.name}
    assert to_northwind["recipient"] == {"id": str(northwind.pk), "name": northwind.name}
    # 13.75 x 3 x 16/31 = 21.29 (Standard at cost + 10 %, 16 to 31 October)
    assert (to_northwind["month"], to_northwind["total"], to_northwind["currency"],
            to_northwind["status"], to_northwind["kind"]) == (
        "2026-10", "21.29", "USD", "issued", "invoice")
    numbers = sorted(r.payload["data"]["number"] for r in listening_parties.received
                     if r.path == "/contoso")
    assert numbers == ["INV-000001", "INV-000002"]

"""The events the domain emits, each delivered once to each endpoint of the organizations
that may see its object (the provider and, where delegated, the reseller), never to a
stranger: a New customer order end to end, then each service's event."""

from collections import Counter

import pytest

from apps.orders import services as orders
from apps.partnerships import services as partnerships
from apps.partnerships.models import Partnership
from apps.relationships import services as relationships
from apps.subscriptions import services as subscriptions
from apps.support import services as support
from apps.webhooks.events import EVENTS
from tests import factories
from tests.customers.conftest import Wizard

from .conftest import endpoint_for

pytestmark = pytest.mark.django_db

ALL = list(EVENTS)


def by_path(receiver):
    """{path: Counter(event type)} of what the receiver took (verified, 2xx)."""
    seen = {}
    for got in receiver.received:
        assert got.verified, got
        seen.setdefault(got.path, Counter())[got.payload["type"]] += 1
    return seen


def test_a_new_customer_order_reaches_the_provider_and_the_reseller_once_each(
        client, contoso, contoso_admin, northwind, fabrikam_partnered, offers, receiver,
        on_commit):
    endpoint_for(contoso, receiver, ALL, path="/contoso")
    endpoint_for(northwind, receiver, ALL, path="/northwind")
    endpoint_for(fabrikam_partnered, receiver, ALL, path="/fabrikam")
    client.force_login(contoso_admin)
    wizard = Wizard(client, contoso)
    wizard.start()
    wizard.details(reseller=northwind, domain_prefix="fourthcoffee",
                   company_name="Fourth Coffee", contact_email="it@fourthcoffee.example")
    wizard.subscriptions({offers["basic"]: 5, offers["standard"]: 2})
    with on_commit():
        assert wizard.submit().status_code == 302

    expected = Counter({"customer.created": 1, "order.submitted": 1,
                        "subscription.created": 2, "order.completed": 1})
    seen = by_path(receiver)
    assert seen == {"/contoso": expected, "/northwind": expected}
    # One webhook-id per event and endpoint, each taken once.
    assert set(receiver.accepted().values()) == {1}
    completed = next(r.payload for r in receiver.received
                     if r.path == "/northwind" and r.payload["type"] == "order.completed")
    data = completed["data"]
    assert data["status"] == "completed"
    assert data["provider_id"] == str(contoso.pk)
    assert data["reseller_id"] == str(northwind.pk)
    assert sorted((line["offer"], line["quantity"]) for line in data["lines"]) == [
        ("basic", 5), ("standard", 2)]


def test_partnership_events(contoso, contoso_admin, northwind, receiver, on_commit):
    endpoint_for(contoso, receiver, ALL, path="/contoso")
    endpoint_for(northwind, receiver, ALL, path="/northwind")
    with on_commit():
        partnerships.invitation_create(provider=contoso, email="new@reseller.test",
                                       created_by=contoso_admin)
    assert by_path(receiver) == {"/contoso": Counter({"partnership.requested": 1})}
    partnership = Partnership.objects.get(provider=contoso, reseller=northwind)
    with on_commit():
        partnerships.partnership_end(partnership=partnership, actor=contoso_admin)
    seen = by_path(receiver)
    assert seen["/contoso"]["partnership.ended"] == 1
    assert seen["/northwind"]["partnership.ended"] == 1
    ended = next(r.payload["data"] for r in receiver.received
                 if r.payload["type"] == "partnership.ended")
    assert ended == {"id": str(partnership.pk), "status": "ended",
                     "provider": {"id": str(contoso.pk), "name": contoso.name},
                     "reseller": {"id": str(northwind.pk), "name": northwind.name},
                     "accepted_at": partnership.accepted_at.isoformat(),
                     "ended_at": Partnership.objects.get().ended_at.isoformat()}


def test_subscription_order_and_support_events(contoso, contoso_admin, northwind, adatum,
                                               adatum_admin, fabrikam, offers, receiver,
                                               on_commit):
    endpoint_for(contoso, receiver, ALL, path="/contoso")
    endpoint_for(northwind, receiver, ALL, path="/northwind")
    endpoint_for(fabrikam, receiver, ALL, path="/fabrikam")
    subscription = factories.SubscriptionFactory(customer=adatum, offer=offers["basic"],
                                                 quantity=5, support_contact=northwind)
    order = factories.OrderFactory(provider=contoso, customer=adatum, reseller=northwind,
                                   status="provisioning")
    with on_commit():
        subscriptions.subscription_set_auto_renew(subscription=subscription, auto_renew=False,
                                                  actor=contoso_admin, organization=contoso)
        subscriptions.subscription_change_quantity(subscription=subscription, quantity=7,
                                                   actor=contoso_admin, organization=contoso)
        orders.order_fail(order_id=order.pk, error="The service did not answer.")
        request = support.support_request_open(
            customer_organization=adatum.organization, user=adatum_admin, title="Help",
            description="Mail is down.", severity="high", subscription=subscription)
        support.support_reply(support_request=request, user=factories.member(northwind),
                              organization=northwind, body="Looking into it.")
        subscriptions.subscription_cancel(subscription=subscription, actor=contoso_admin,
                                          organization=contoso)
    seen = by_path(receiver)
    both = Counter({"subscription.changed": 2, "order.failed": 1,
                    "subscription.cancelled": 1})
    # The support request is handled by Northwind, the subscription's support contact.
    assert seen["/contoso"] == both
    assert seen["/northwind"] == both + Counter({"support_request.created": 1,
                                                 "support_request.updated": 1})
    assert "/fabrikam" not in seen
    changed = [r.payload["data"] for r in receiver.received
               if r.path == "/contoso" and r.payload["type"] == "subscription.changed"]
    assert [(d["quantity"], d["auto_renew"], d["offer"]) for d in changed] == [
        (5, False, "basic"), (7, False, "basic")]


def test_relationship_request_events(contoso, contoso_admin, northwind, fabrikam_partnered,
                                     adatum, adatum_admin, receiver, on_commit):
    endpoint_for(contoso, receiver, ALL, path="/contoso")
    endpoint_for(fabrikam_partnered, receiver, ALL, path="/fabrikam")
    with on_commit():
        declined = relationships.relationship_request_create(
            provider=contoso, customer=adatum, reseller=fabrikam_partnered, actor=contoso_admin)
        relationships.relationship_request_answer(relationship=declined, approve=False,
                                                  actor=adatum_admin)
        approved = relationships.relationship_request_create(
            provider=contoso, customer=adatum, reseller=fabrikam_partnered, actor=contoso_admin)
        relationships.relationship_request_answer(relationship=approved, approve=True,
                                                  actor=adatum_admin)
    seen = by_path(receiver)
    expected = Counter({"relationship_request.declined": 1, "relationship_request.approved": 1})
    assert seen["/contoso"] == expected
    assert seen["/fabrikam"] == expected

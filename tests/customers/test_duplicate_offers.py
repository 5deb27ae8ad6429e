"""Add subscription for an offer the customer already has: a warning, and a real choice
between adding the licenses to the existing subscription and buying a second one (plain
form buttons: no JavaScript needed)."""

import re
import uuid

import pytest

from apps.audit.models import AuditEvent
from apps.orders.models import Order, OrderLine
from apps.subscriptions.models import Subscription
from tests import factories
from tests.subscriptions.conftest import day


@pytest.fixture
def basic(customer, offers, reseller, provider):
    """Adatum's Business Basic with 5 licenses."""
    return factories.SubscriptionFactory(customer=customer, offer=offers["basic"], quantity=5,
                                         reseller_of_record=reseller, support_contact=provider,
                                         term_start=day(30))


@pytest.fixture
def adatum_add_url(client, provider_admin, customer):
    client.force_login(provider_admin)
    return f"/o/contoso/customers/{customer.pk}/subscriptions/new/"


def post(client, adatum_add_url, lines, key, **extra):
    data = {"offers": [str(offer.pk) for offer in lines], "idempotency_key": key,
            "reseller": ""}
    for offer, licenses in lines.items():
        data[f"licenses_{offer.pk}"] = str(licenses)
    data.update(extra)
    return client.post(adatum_add_url, data)


def test_the_warning_keeps_what_was_entered(client, adatum_add_url, offers, basic):
    key = str(uuid.uuid4())
    response = post(client, adatum_add_url, {offers["basic"]: 3, offers["standard"]: 2}, key)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adatum Corporation already has some of these subscriptions:" in html
    assert "Business Basic: 5 licenses today; you entered 3 more." in html
    assert "Business Standard:" not in html
    assert 'name="duplicates" value="add"' in html
    assert 'name="duplicates" value="separate"' in html
    assert f'value="{key}"' in html
    assert re.search(rf'name="licenses_{offers["basic"].pk}" value="3"', html)
    assert not Order.objects.exists()
    basic.refresh_from_db()
    assert basic.quantity == 5


def test_add_the_licenses_to_the_existing_one(client, adatum_add_url, offers, basic, customer,
                                              provider_admin):
    key = str(uuid.uuid4())
    response = post(client, adatum_add_url, {offers["basic"]: 3, offers["standard"]: 2}, key,
                    duplicates="add")
    assert response.status_code == 302
    basic.refresh_from_db()
    assert basic.quantity == 8
    [line] = OrderLine.objects.filter(subscription=basic)
    assert line.action == OrderLine.Action.ADD_LICENSES
    assert (line.previous_quantity, line.quantity) == (5, 8)
    # The other offer is ordered as a new subscription.
    order = Order.objects.get(kind=Order.Kind.NEW_SUBSCRIPTION)
    assert [(line.offer, line.quantity) for line in order.lines.all()] == [
        (offers["standard"], 2)]
    assert Subscription.objects.filter(customer=customer, offer=offers["basic"]).count() == 1
    # Sent again (a double click): nothing twice.
    again = post(client, adatum_add_url, {offers["basic"]: 3, offers["standard"]: 2}, key,
                 duplicates="add")
    assert again.status_code == 302
    basic.refresh_from_db()
    assert basic.quantity == 8
    assert Order.objects.count() == 2
    assert AuditEvent.objects.filter(action="subscription.licenses_changed").count() == 1


def test_only_existing_offers_twice_is_still_one_change(client, adatum_add_url, offers, basic):
    key = str(uuid.uuid4())
    for _ in range(2):
        response = post(client, adatum_add_url, {offers["basic"]: 4}, key, duplicates="add")
        assert response.status_code == 302
    basic.refresh_from_db()
    assert basic.quantity == 9
    assert Order.objects.filter(kind="change").count() == 1
    assert not Order.objects.exclude(kind="change").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Business Basic now has 9 licenses." in messages


def test_buy_a_second_subscription(client, adatum_add_url, offers, basic, customer):
    response = post(client, adatum_add_url, {offers["basic"]: 3}, str(uuid.uuid4()),
                    duplicates="separate")
    assert response.status_code == 302
    order = Order.objects.get(kind=Order.Kind.NEW_SUBSCRIPTION)
    assert [(line.offer, line.quantity) for line in order.lines.all()] == [(offers["basic"], 3)]
    basic.refresh_from_db()
    assert basic.quantity == 5


def test_too_many_licenses_for_the_existing_one(client, adatum_add_url, offers, basic):
    basic.quantity = 299
    basic.save()
    response = post(client, adatum_add_url, {offers["basic"]: 5, offers["standard"]: 1},
                    str(uuid.uuid4()), duplicates="add")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Business Basic allows at most 300 licenses: the existing subscription has 299" in html
    basic.refresh_from_db()
    assert basic.quantity == 299
    assert not Order.objects.exists()  # nothing half-done


def test_junk_choice_asks_again(client, adatum_add_url, offers, basic):
    response = post(client, adatum_add_url, {offers["basic"]: 3}, str(uuid.uuid4()),
                    duplicates="junk")
    assert response.status_code == 200
    assert "already has some of these subscriptions" in response.content.decode()
    assert not Order.objects.exists()


def test_a_cancelled_or_suspended_one_is_no_duplicate(client, adatum_add_url, offers, basic):
    basic.status = Subscription.Status.CANCELLED
    basic.save()
    response = post(client, adatum_add_url, {offers["basic"]: 3}, str(uuid.uuid4()))
    assert response.status_code == 302
    assert Order.objects.filter(kind=Order.Kind.NEW_SUBSCRIPTION).exists()


def test_the_delegated_reseller_gets_the_same_choice(client, northwind_admin, offers, basic,
                                                     customer, reseller, provider):
    client.force_login(northwind_admin)
    url = f"/o/northwind/customers/{customer.pk}/subscriptions/new/"
    key = str(uuid.uuid4())
    data = {"offers": [str(offers["basic"].pk)], "idempotency_key": key,
            f"licenses_{offers['basic'].pk}": "2"}
    assert "already has some" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "duplicates": "add"}).status_code == 302
    basic.refresh_from_db()
    assert basic.quantity == 7
    event = AuditEvent.objects.get(action="subscription.licenses_changed",
                                   organization=reseller)
    assert event.actor == northwind_admin

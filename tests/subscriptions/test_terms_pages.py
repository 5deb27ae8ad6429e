"""What the pages say about a subscription's term: Renews on, Expires on, Expired; an
expired subscription offers no change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.subscriptions.models import Subscription
from apps.subscriptions.terms import terms_run
from tests import factories


def html_of(response):
    return response.content.decode()


@pytest.fixture
def ending(customer, offers, reseller, provider):
    """Adatum's Business Standard, auto-renew off, its term ending in 20 days."""
    end = timezone.localdate() + timedelta(days=20)
    return factories.SubscriptionFactory(
        customer=customer, offer=offers["standard"], quantity=3, auto_renew=False,
        reseller_of_record=reseller, support_contact=provider,
        term_start=end - timedelta(days=365), term_end=end)


def test_the_page_says_renews_on_or_expires_on(contoso_admin_client, url, subscription,
                                               ending):
    html = html_of(contoso_admin_client.get(url()))
    assert f"Renews on {subscription.term_end:%b} {subscription.term_end.day}," in html
    html = html_of(contoso_admin_client.get(url(sub=ending)))
    assert f"Expires on {ending.term_end:%b} {ending.term_end.day}," in html
    assert "(auto-renew is off)" in html


def test_a_suspended_subscription_expires_unless_reactivated(contoso_admin_client, url,
                                                             subscription):
    Subscription.objects.filter(pk=subscription.pk).update(status="suspended")
    assert "unless reactivated" in html_of(contoso_admin_client.get(url()))


def test_an_expired_subscription_is_read_only(contoso_admin_client, login, reseller_admin,
                                              url, ending, customer):
    terms_run(today=ending.term_end)
    html = html_of(contoso_admin_client.get(url(sub=ending)))
    assert 'id="subscription-status">Expired<' in html
    assert f"Expired on {ending.term_end:%b} {ending.term_end.day}," in html
    for absent in ("Change licenses", "Suspend", "Turn auto-renew", "Cancel subscription",
                   'name="quantity"'):
        assert absent not in html
    assert "Expired at the end of its term: 3 licenses freed." in html
    # A form sent anyway (a page left open) is refused, nothing changes.
    response = contoso_admin_client.post(url("licenses", sub=ending),
                                         {"quantity": "4", "idempotency_key": "x"})
    assert response.status_code in (400, 409, 422, 200)
    ending.refresh_from_db()
    assert (ending.quantity, ending.status) == (3, "expired")


def test_the_customers_lists_say_it_too(client, contoso_admin_client, customer_admin, customer,
                                        subscription, ending):
    html = html_of(contoso_admin_client.get(f"/o/contoso/customers/{customer.pk}/subscriptions/"))
    assert "Renews on " in html
    assert "Expires on " in html
    terms_run(today=ending.term_end)
    client.force_login(customer_admin)
    html = html_of(client.get("/o/adatum/subscriptions/"))
    assert "Renews on " in html
    assert "Expired on " in html


def test_the_history_tells_a_renewal(contoso_admin_client, url, subscription):
    ended = subscription.term_end
    terms_run(today=ended)
    subscription.refresh_from_db()
    assert subscription.term_start == ended
    html = html_of(contoso_admin_client.get(url()))
    assert f"Renewed: a new term from {ended:%b} {ended.day}, {ended.year} to" in html
    assert "Partner Center (automatic)" in html

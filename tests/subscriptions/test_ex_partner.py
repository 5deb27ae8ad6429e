"""A reseller whose partnership with the provider ended may not act for a customer, even if
its delegation was left behind."""

import pytest

from apps.errors import DomainError
from apps.partnerships.models import Partnership
from apps.subscriptions.services import subscription_change_quantity


@pytest.fixture
def ex_partner(provider, reseller):
    # The partnership ends but the delegation stays (the state the race used to leave).
    Partnership.objects.filter(provider=provider, reseller=reseller).update(status="ended")
    return reseller


def test_an_ex_partner_cannot_change_licences_of_a_still_delegated_customer(
        client, reseller_admin, url, subscription, key, ex_partner):
    assert subscription.customer.reseller == ex_partner
    with pytest.raises(DomainError) as refused:
        subscription_change_quantity(subscription=subscription, quantity=9, actor=reseller_admin,
                                     organization=ex_partner)
    assert refused.value.code == "not_yours"
    client.force_login(reseller_admin)
    response = client.post(url("licenses", slug="northwind"),
                           {"quantity": "9", "idempotency_key": key()})
    assert response.status_code in (400, 403, 404)
    subscription.refresh_from_db()
    assert subscription.quantity == 5
    for action, data in (("auto-renew", {"auto_renew": "off"}),):
        response = client.post(url(action, slug="northwind"), {**data, "idempotency_key": key()})
        assert response.status_code in (400, 403, 404), action
    subscription.refresh_from_db()
    assert subscription.auto_renew is True


def test_the_provider_still_changes_them(contoso_admin_client, url, subscription, key,
                                         ex_partner):
    response = contoso_admin_client.post(url("licenses"),
                                         {"quantity": "9", "idempotency_key": key()})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.quantity == 9

"""The provider's Orders page: status, kind, customer, reseller, who and when; failed → retry."""

from apps.orders.models import Order
from tests import factories


def test_orders_are_listed_with_their_status(submit, client, provider_admin, reseller):
    submit()
    failed = factories.OrderFactory(provider=provider_admin.memberships.get().organization,
                                    status=Order.Status.FAILED, error="The account is taken.")
    client.force_login(provider_admin)
    page = client.get("/o/contoso/orders/").content.decode()
    assert "<h1>Orders</h1>" in page
    assert "Margie&#x27;s Travel" in page
    assert "Northwind Traders" in page
    assert "admin@contoso.test" in page
    assert "Completed" in page
    assert "Failed" in page
    assert "The account is taken." in page
    assert f'action="/o/contoso/orders/{failed.pk}/retry/"' in page


def test_helpdesk_sees_orders_but_cannot_retry(client, provider, provider_helpdesk):
    failed = factories.OrderFactory(provider=provider, status=Order.Status.FAILED, error="x")
    client.force_login(provider_helpdesk)
    page = client.get("/o/contoso/orders/").content.decode()
    assert "/retry/" not in page
    assert client.post(f"/o/contoso/orders/{failed.pk}/retry/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == Order.Status.FAILED


def test_retrying_a_completed_order_is_refused_with_a_message(submit, client, provider_admin):
    order = submit()
    client.force_login(provider_admin)
    response = client.post(f"/o/contoso/orders/{order.pk}/retry/", follow=True)
    assert "Only a failed order can be retried." in response.content.decode()


def test_another_providers_orders_are_not_listed_nor_retried(client, provider, outsider):
    theirs = factories.OrderFactory(provider=provider, status=Order.Status.FAILED)
    client.force_login(outsider)
    assert str(theirs.customer.organization.name) not in client.get(
        "/o/tailspin/orders/").content.decode()
    assert client.post(f"/o/tailspin/orders/{theirs.pk}/retry/").status_code == 404


def test_the_orders_page_is_paginated_with_a_fixed_number_of_queries(
        client, provider, provider_admin, django_assert_max_num_queries):
    reseller = factories.ResellerFactory()
    for _ in range(30):
        factories.OrderFactory(provider=provider, reseller=reseller, submitted_by=provider_admin)
    client.force_login(provider_admin)
    with django_assert_max_num_queries(10):
        first = client.get("/o/contoso/orders/")
    with django_assert_max_num_queries(10):
        second = client.get("/o/contoso/orders/?page=2")
    assert first.content.decode().count("/confirmation/") == 25
    assert second.content.decode().count("/confirmation/") == 5
    assert "Page 1 of 2" in first.content.decode()

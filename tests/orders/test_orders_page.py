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


def _rows(html):
    return html.count("/confirmation/")


def test_filter_by_status_and_kind(client, provider, provider_admin):
    factories.OrderFactory(provider=provider, status=Order.Status.FAILED, error="Nope.")
    factories.OrderFactory(provider=provider, status=Order.Status.COMPLETED)
    factories.OrderFactory(provider=provider, kind="new_subscription",
                           status=Order.Status.SUBMITTED)
    client.force_login(provider_admin)
    assert _rows(client.get("/o/contoso/orders/?status=failed").content.decode()) == 1
    html = client.get("/o/contoso/orders/?kind=new_subscription").content.decode()
    assert _rows(html) == 1
    assert '<option value="new_subscription" selected>New subscription</option>' in html
    assert _rows(client.get("/o/contoso/orders/?kind=change").content.decode()) == 0
    assert "No orders match." in client.get("/o/contoso/orders/?kind=change").content.decode()
    for junk in ("?status=junk", "?kind=%00", "?sort=nonsense", "?page=-4", "?status=failed"
                 "&status=junk", "?sort=status&page=99999999999999999999"):
        response = client.get(f"/o/contoso/orders/{junk}")
        assert response.status_code == 200, junk
    assert "Choose a status from the list." in client.get(
        "/o/contoso/orders/?status=junk").content.decode()


def test_orders_sort_by_status_and_customer(client, provider, provider_admin):
    for name, status in (("Zeta", "completed"), ("Alpha", "failed"), ("Mid", "submitted")):
        factories.OrderFactory(provider=provider, status=status,
                               customer__organization__name=name)
    client.force_login(provider_admin)
    html = client.get("/o/contoso/orders/?sort=customer").content.decode()
    assert html.index("Alpha") < html.index("Mid") < html.index("Zeta")
    assert 'aria-sort="ascending"' in html
    html = client.get("/o/contoso/orders/?sort=-customer").content.decode()
    assert html.index("Zeta") < html.index("Mid") < html.index("Alpha")
    html = client.get("/o/contoso/orders/?sort=status").content.decode()
    assert html.index("Zeta") < html.index("Alpha") < html.index("Mid")


def test_the_filter_reloads_the_table_with_htmx(client, provider, provider_admin):
    factories.OrderFactory(provider=provider, status=Order.Status.FAILED)
    client.force_login(provider_admin)
    response = client.get("/o/contoso/orders/?status=failed", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="orders-region"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    page = client.get("/o/contoso/orders/").content.decode()
    assert 'hx-target="#orders-region"' in page
    assert 'hx-push-url="true"' in page


def test_change_orders_are_listed_with_what_they_changed(client, provider, provider_admin,
                                                         customer):
    from apps.subscriptions.services import subscription_change_quantity

    subscription = factories.SubscriptionFactory(customer=customer, quantity=5)
    subscription_change_quantity(subscription=subscription, quantity=9, actor=provider_admin,
                                 organization=provider)
    client.force_login(provider_admin)
    html = client.get("/o/contoso/orders/?kind=change").content.decode()
    assert _rows(html) == 1
    assert "Change" in html
    assert "Completed" in html
    order = Order.objects.get(kind="change")
    confirmation = client.get(f"/o/contoso/orders/{order.pk}/confirmation/").content.decode()
    assert "Licenses added: 5 → 9" in confirmation

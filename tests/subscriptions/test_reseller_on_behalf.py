"""The delegated reseller manages its customer's subscriptions on the customer's behalf."""

from datetime import timedelta

from apps.audit.models import AuditEvent
from apps.orders.models import Order
from apps.subscriptions.models import Subscription
from tests import factories

from .conftest import day


def test_reseller_raises_licenses_and_the_provider_sees_it(client, reseller_admin,
                                                           provider_admin, url, subscription,
                                                           key):
    client.force_login(reseller_admin)
    response = client.post(url("licenses", slug="northwind"),
                           {"quantity": "9", "idempotency_key": key()})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.quantity == 9
    order = Order.objects.get(kind="change")
    assert order.submitted_by == reseller_admin
    assert order.provider.slug == "contoso"
    event = AuditEvent.objects.get(organization__slug="contoso", action__startswith="subscription.")
    assert event.actor == reseller_admin
    # The provider sees the change in its Orders page and audit log.
    client.force_login(provider_admin)
    assert "admin@northwind.test" in client.get("/o/contoso/orders/").content.decode()
    assert "admin@northwind.test" in client.get("/o/contoso/audit/").content.decode()


def test_the_seven_day_rule_binds_the_reseller_too(client, reseller_admin, url, subscription,
                                                   key):
    Subscription.objects.filter(pk=subscription.pk).update(
        term_start=day(8), term_end=day(8) + timedelta(days=365))
    client.force_login(reseller_admin)
    response = client.post(url("licenses", slug="northwind"),
                           {"quantity": "3", "idempotency_key": key()})
    assert response.status_code == 400
    assert "7 days" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_reseller_turns_auto_renew_off(client, reseller_admin, url, subscription, key):
    client.force_login(reseller_admin)
    client.post(url("auto-renew", slug="northwind"), {"auto_renew": "off",
                                                      "idempotency_key": key()})
    subscription.refresh_from_db()
    assert subscription.auto_renew is False


def test_provider_decisions_stay_the_providers(client, reseller_admin, url, subscription, key,
                                               offers):
    client.force_login(reseller_admin)
    for action, data in (("upgrade", {"offer": str(offers["standard"].pk)}), ("suspend", {}),
                         ("support-contact", {"support_contact": str(subscription.pk)})):
        response = client.post(url(action, slug="northwind"), {**data, "idempotency_key": key()})
        assert response.status_code == 404, action
    subscription.refresh_from_db()
    assert (subscription.offer, subscription.status) == (offers["basic"], "active")


def test_reseller_requests_a_new_subscription_through_the_provider(
        client, reseller_admin, customer, offers, reseller, django_capture_on_commit_callbacks):
    client.force_login(reseller_admin)
    path = f"/o/northwind/customers/{customer.pk}/subscriptions/new/"
    page = client.get(path).content.decode()
    assert "The order goes to Contoso Distribution" in page
    assert 'name="reseller"' not in page
    import re
    idempotency_key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"offers": [str(offers["standard"].pk)],
                                      f"licenses_{offers['standard'].pk}": "4",
                                      "reseller": str(factories.ResellerFactory().pk),
                                      "idempotency_key": idempotency_key})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(kind="new_subscription")
    assert (order.provider.slug, order.reseller, order.submitted_by) == (
        "contoso", reseller, reseller_admin)
    created = Subscription.objects.get(customer=customer, offer=offers["standard"])
    assert created.quantity == 4
    assert created.reseller_of_record == reseller  # the tampered reseller field is ignored
    assert AuditEvent.objects.filter(organization=reseller, action="order.submitted").exists()


def test_another_reseller_gets_404(client, url, subscription, key):
    other = factories.ResellerFactory(slug="fabrikam")
    client.force_login(factories.member(other))
    assert client.get(url(slug="fabrikam")).status_code == 404
    assert client.post(url("licenses", slug="fabrikam"),
                       {"quantity": "9", "idempotency_key": key()}).status_code == 404

"""Add subscription → New subscription: offers, licenses and the reseller credited for
incentives; Submit places an idempotent new_subscription order that the provisioning task
turns into subscriptions on the customer's Subscriptions page."""

import re
import uuid
from unittest import mock

import pytest

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.orders.models import Order
from apps.organizations.roles import Role
from apps.provisioning.tasks import provision_order
from apps.subscriptions.models import Subscription
from tests import factories


@pytest.fixture
def margie(provider, fabrikam_partnered):
    return factories.CustomerFactory(provider=provider, reseller=fabrikam_partnered,
                                     organization__name="Margie's Travel",
                                     domain_prefix="margiestravel")


@pytest.fixture
def form_url(client, provider_admin, margie):
    client.force_login(provider_admin)
    return f"/o/contoso/customers/{margie.pk}/subscriptions/new/"


def form_key(html):
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def post(client, form_url, lines, reseller, key=None, **extra):
    data = {"offers": [str(offer.pk) for offer in lines], "idempotency_key": key or str(
        uuid.uuid4()), "reseller": str(getattr(reseller, "pk", reseller or ""))}
    for offer, licenses in lines.items():
        data[f"licenses_{offer.pk}"] = str(licenses)
    data.update(extra)
    return client.post(form_url, data)


def test_the_new_subscription_page(client, form_url, offers, fabrikam_partnered, reseller):
    html = client.get(form_url).content.decode()
    assert "<h1>New subscription</h1>" in html
    assert "Business Basic" in html
    assert "Business Standard" in html
    assert "Retired plan" not in html
    # Partnered resellers only; the customer's own is preselected.
    assert f'<option value="{fabrikam_partnered.pk}" selected>Fabrikam Solutions</option>' in html
    assert f'<option value="{reseller.pk}">Northwind Traders</option>' in html
    assert '<label class="form-label" for="id_reseller">Indirect reseller</label>' in html
    assert uuid.UUID(form_key(html))
    assert ">Submit</button>" in html


def test_submit_orders_and_provisions_the_subscriptions(
        client, form_url, offers, fabrikam_partnered, margie, provider_admin, provider,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_url, {offers["basic"]: 3, offers["standard"]: 10},
                        fabrikam_partnered)
    assert response.status_code == 302
    assert response.url == f"/o/contoso/customers/{margie.pk}/subscriptions/"
    order = Order.objects.get()
    assert order.kind == Order.Kind.NEW_SUBSCRIPTION
    assert order.status == Order.Status.COMPLETED
    assert order.customer == margie
    assert order.reseller == fabrikam_partnered
    assert order.submitted_by == provider_admin
    subscriptions = {s.offer.code: s for s in Subscription.objects.filter(customer=margie)}
    assert subscriptions["basic"].quantity == 3
    assert subscriptions["standard"].quantity == 10
    for subscription in subscriptions.values():
        assert subscription.reseller_of_record == fabrikam_partnered
        assert subscription.support_contact == provider
        assert subscription.order_lines.get().order == order
    margie.refresh_from_db()
    assert margie.status == Customer.Status.ACTIVE
    assert margie.reseller == fabrikam_partnered
    html = client.get(response.url).content.decode()
    assert "Order submitted." in html
    row = re.search(r"<tr>\s*<td><a [^>]*>Business Basic</a></td>.*?</tr>", html, re.S).group(0)
    assert "Fabrikam Solutions" in row
    assert ">3<" in row
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "order.submitted", "order.completed", "subscription.purchased"}


def test_submit_queues_the_task_with_the_order_id_on_commit(
        client, form_url, offers, fabrikam_partnered, django_capture_on_commit_callbacks):
    with mock.patch.object(provision_order, "apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True):
        post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered)
    order = Order.objects.get()
    queued.assert_called_once()
    assert queued.call_args.kwargs == {"kwargs": {"order_id": str(order.pk)},
                                       "headers": {"portal_outbox_id": mock.ANY}}
    assert order.status == Order.Status.SUBMITTED
    assert not Subscription.objects.exists()


def test_while_provisioning_the_list_says_so_and_refreshes(
        client, form_url, offers, fabrikam_partnered, margie, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered)
    html = client.get(f"/o/contoso/customers/{margie.pk}/subscriptions/").content.decode()
    assert "is being set up" in html
    assert 'hx-trigger="every 2s"' in html
    region = client.get(f"/o/contoso/customers/{margie.pk}/subscriptions/",
                        HTTP_HX_REQUEST="true").content.decode()
    assert region.lstrip().startswith('<section id="subscriptions-region"')


def test_a_failed_order_shows_its_error(client, form_url, offers, fabrikam_partnered, margie,
                                        django_capture_on_commit_callbacks):
    from apps.orders.services import order_fail

    with django_capture_on_commit_callbacks(execute=False):
        post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered)
    order_fail(order_id=Order.objects.get().pk, error="The platform refused the order.")
    html = client.get(f"/o/contoso/customers/{margie.pk}/subscriptions/").content.decode()
    assert "The platform refused the order." in html
    assert 'hx-trigger="every 2s"' not in html
    margie.refresh_from_db()
    assert margie.status == Customer.Status.ACTIVE  # an existing customer stays active


def test_the_same_submit_twice_is_one_order(client, form_url, offers, fabrikam_partnered,
                                            django_capture_on_commit_callbacks):
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered, key=key)
        second = post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered, key=key)
    assert first.status_code == second.status_code == 302
    assert Order.objects.count() == 1
    assert Subscription.objects.count() == 1


def test_no_reseller_credits_nobody(client, form_url, offers, margie,
                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_url, {offers["basic"]: 1}, None)
    assert Subscription.objects.get(customer=margie).reseller_of_record is None


@pytest.mark.parametrize(("licenses", "message"), [
    (0, "Enter 1 or more licenses."),
    (301, "Enter 300 or fewer licenses"),
    ("lots", "Enter a whole number of licenses."),
    ("", "Enter the number of licenses."),
    ("\x00", "Enter a whole number of licenses."),
    ("9" * 40, "Enter 300 or fewer licenses"),
])
def test_licenses_outside_the_offers_limits(client, form_url, offers, fabrikam_partnered, licenses,
                                            message):
    response = post(client, form_url, {offers["basic"]: licenses}, fabrikam_partnered)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Order.objects.exists()


def test_a_reseller_not_partnered_is_refused(client, form_url, offers, outsider):
    stranger = factories.ResellerFactory(name="Litware Resale")
    for value in (stranger.pk, outsider.memberships.get().organization_id,
                  uuid.uuid4(), "junk", "\x00"):
        response = post(client, form_url, {offers["basic"]: 3}, value)
        assert response.status_code == 400, value
        assert "Choose one of your partnered indirect resellers." in response.content.decode()
    assert not Order.objects.exists()


def test_bad_offers_and_keys_are_refused(client, form_url, offers, fabrikam_partnered):
    retired = post(client, form_url, {offers["retired"]: 3}, fabrikam_partnered)
    assert "A selected subscription is not available for ordering." in retired.content.decode()
    none = post(client, form_url, {}, fabrikam_partnered)
    assert "Select at least one subscription." in none.content.decode()
    junk = post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered, key="junk")
    assert "This form is out of date. Open Add subscription again." in junk.content.decode()
    assert not Order.objects.exists()


def test_the_order_is_refused_while_the_customer_is_not_active(client, form_url, offers,
                                                               fabrikam_partnered, margie):
    Customer.objects.filter(pk=margie.pk).update(status=Customer.Status.PROVISIONING)
    assert "is not active yet" in client.get(form_url).content.decode()
    response = post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered)
    assert response.status_code == 400
    assert "is not active yet" in response.content.decode()
    assert not Order.objects.exists()


def test_another_providers_customer_is_not_found(client, outsider, margie, offers):
    client.force_login(outsider)
    for slug in ("tailspin", "contoso"):
        path = f"/o/{slug}/customers/{margie.pk}/subscriptions/new/"
        assert client.get(path).status_code == 404
        assert client.post(path, {"offers": [str(offers["basic"].pk)]}).status_code == 404
    assert not Order.objects.exists()


def test_helpdesk_and_other_resellers_cannot_add(client, provider, margie, fabrikam_partnered,
                                                 offers):
    client.force_login(factories.member(provider, Role.HELPDESK))
    path = f"/o/contoso/customers/{margie.pk}/subscriptions/new/"
    assert client.get(path).status_code == 403
    assert post(client, path, {offers["basic"]: 3}, fabrikam_partnered).status_code == 403
    client.force_login(factories.member(fabrikam_partnered, Role.HELPDESK))
    assert client.get(f"/o/fabrikam/customers/{margie.pk}/subscriptions/new/"
                      ).status_code == 403
    # A reseller the customer is not delegated to does not find it.
    stranger = factories.ResellerFactory()
    factories.PartnershipFactory(provider=provider, reseller=stranger)
    client.force_login(factories.member(stranger, Role.ADMIN))
    path = f"/o/{stranger.slug}/customers/{margie.pk}/subscriptions/new/"
    assert client.get(path).status_code == 404
    assert not Order.objects.exists()


def test_sales_agents_can_add(client, provider, form_url, offers, fabrikam_partnered):
    client.force_login(factories.member(provider, Role.SALES))
    assert post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered).status_code == 302
    assert Order.objects.count() == 1


def test_the_orders_page_lists_the_new_subscription_order(client, form_url, offers,
                                                          fabrikam_partnered,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_url, {offers["basic"]: 3}, fabrikam_partnered)
    html = client.get("/o/contoso/orders/?kind=new_subscription").content.decode()
    assert "New subscription" in html
    assert "Margie&#x27;s Travel" in html
    order = Order.objects.get()
    confirmation = client.get(f"/o/contoso/orders/{order.pk}/confirmation/").content.decode()
    assert "Setup info" not in confirmation
    assert f'href="/o/contoso/customers/{order.customer_id}/subscriptions/">Done' in confirmation

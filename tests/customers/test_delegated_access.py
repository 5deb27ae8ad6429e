"""The associated reseller sees and opens the new customer; other resellers and providers: 404."""

import uuid

import pytest

from apps.customers.services import customer_submit
from apps.organizations.roles import Role
from tests import factories
from tests.customers.conftest import DETAILS


@pytest.fixture
def new_customer(provider, provider_admin, reseller, offers, django_capture_on_commit_callbacks):
    def _make(execute=True):
        with django_capture_on_commit_callbacks(execute=execute):
            order = customer_submit(
                provider=provider, reseller=reseller, customer_details=DETAILS,
                lines=[(offers["basic"], 5), (offers["standard"], 10)],
                idempotency_key=uuid.uuid4(), submitted_by=provider_admin)
        return order.customer
    return _make


def test_the_reseller_sees_the_customer_and_its_subscriptions(client, new_customer,
                                                              reseller_admin, reseller):
    customer = new_customer()
    sales = factories.member(reseller, Role.SALES)
    for user in (reseller_admin, sales):
        client.force_login(user)
        listing = client.get("/o/northwind/customers/").content.decode()
        assert "Margie&#x27;s Travel" in listing
        assert f'href="/o/northwind/customers/{customer.pk}/"' in listing
        page = client.get(f"/o/northwind/customers/{customer.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "<h1>Margie&#x27;s Travel</h1>" in html
        assert "Business Basic" in html
        assert "Business Standard" in html
        assert "admin@margiestravel.onpartnercenter.test" in html


def test_the_provider_opens_its_customer(client, new_customer, provider_admin):
    customer = new_customer()
    client.force_login(provider_admin)
    html = client.get(f"/o/contoso/customers/{customer.pk}/").content.decode()
    assert "Northwind Traders" in html
    assert "Business Standard" in html


def test_other_resellers_and_providers_get_404(client, new_customer, other_reseller, outsider,
                                               provider, customer_admin):
    customer = new_customer()
    # Fabrikam, even once partnered with the same provider, is not Margie's reseller.
    factories.PartnershipFactory(provider=provider, reseller=other_reseller)
    fabrikam_admin = factories.member(other_reseller, Role.ADMIN)
    for user, slug in [(fabrikam_admin, "fabrikam"), (outsider, "tailspin"),
                       (customer_admin, "adatum")]:
        client.force_login(user)
        assert client.get(f"/o/{slug}/customers/{customer.pk}/").status_code == 404
        assert client.get(f"/o/contoso/customers/{customer.pk}/").status_code == 404
        assert "Margie" not in client.get(f"/o/{slug}/customers/").content.decode()


def test_access_is_delegated_only_once_provisioning_completes(client, new_customer,
                                                              reseller_admin, provider_admin):
    customer = new_customer(execute=False)
    client.force_login(reseller_admin)
    assert client.get(f"/o/northwind/customers/{customer.pk}/").status_code == 404
    assert "Margie" not in client.get("/o/northwind/customers/").content.decode()
    # The provider sees it at once, marked as provisioning.
    client.force_login(provider_admin)
    listing = client.get("/o/contoso/customers/").content.decode()
    assert "Margie&#x27;s Travel" in listing
    assert "Provisioning" in listing


def test_customer_pages_use_a_fixed_number_of_queries(client, provider, reseller, reseller_admin,
                                                      provider_admin,
                                                      django_assert_max_num_queries):
    customer = factories.CustomerFactory(provider=provider, reseller=reseller)
    for _ in range(10):
        factories.SubscriptionFactory(customer=customer, reseller_of_record=reseller)
    for _ in range(30):
        factories.CustomerFactory(provider=provider, reseller=reseller)
    for user, slug in [(provider_admin, "contoso"), (reseller_admin, "northwind")]:
        client.force_login(user)
        with django_assert_max_num_queries(10):
            assert client.get(f"/o/{slug}/customers/{customer.pk}/").status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(f"/o/{slug}/customers/").status_code == 200

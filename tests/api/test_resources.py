"""The first resources: offers, customers (list, filters, read, create = New customer),
orders; reads scoped like the pages."""

import pytest

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def test_offers_list_the_orderable_catalog(api, contoso_key, offers):
    response = api(contoso_key).get("/api/v1/offers/")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()["results"]] == ["basic", "premium", "standard"]


def test_customers_of_a_provider_and_of_its_reseller(api, contoso_key, northwind_key, adatum,
                                                     contoso, tailspin):
    factories.CustomerFactory(provider=contoso, organization__name="Direct Ltd")
    factories.CustomerFactory(provider=tailspin, organization__name="Elsewhere Inc")
    provider = api(contoso_key).get("/api/v1/customers/").json()["results"]
    assert [c["name"] for c in provider] == ["Adatum Corporation", "Direct Ltd"]
    reseller = api(northwind_key).get("/api/v1/customers/").json()["results"]
    assert [c["name"] for c in reseller] == ["Adatum Corporation"]
    direct = api(contoso_key).get("/api/v1/customers/?reseller=none").json()["results"]
    assert [c["name"] for c in direct] == ["Direct Ltd"]
    found = api(contoso_key).get("/api/v1/customers/?q=adat").json()["results"]
    assert [c["name"] for c in found] == ["Adatum Corporation"]


def test_another_tenants_customer_is_404(api, contoso_key, tailspin):
    theirs = factories.CustomerFactory(provider=tailspin)
    response = api(contoso_key).get(f"/api/v1/customers/{theirs.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_junk_filters_are_problems_with_the_pages_messages(api, contoso_key):
    response = api(contoso_key).get("/api/v1/customers/?reseller=nope&status=zz")
    assert response.status_code == 400
    body = response.json()
    assert {e["field"]: e["detail"] for e in body["errors"]} == {
        "reseller": "Choose a reseller from the list.",
        "status": "Choose a status from the list."}


def _new_customer(offers, **overrides):
    return {"company_name": "Litware Inc", "domain_prefix": "litware",
            "contact_first_name": "Ada", "contact_last_name": "Lovelace",
            "contact_email": "ada@litware.test", "country": "US", "city": "Seattle",
            "street": "1 Main St", "language": "en",
            "subscriptions": [{"offer": str(offers["basic"].pk), "licenses": 5}],
            **overrides}


def test_create_customer_places_the_new_customer_order(api, contoso_key, northwind, offers):
    body = _new_customer(offers, reseller=str(northwind.pk))
    response = api(contoso_key).post("/api/v1/customers/", body, format="json")
    assert response.status_code == 201, response.json()
    order = Order.objects.get(pk=response.json()["id"])
    assert order.customer.name == "Litware Inc"
    assert order.reseller == northwind
    assert response.json()["lines"][0]["quantity"] == 5
    event = AuditEvent.objects.filter(action__startswith="customer").first()
    assert event.data["api_key_name"] == "CRM sync"
    assert event.data["api_key_prefix"].startswith("pc_")


def test_create_customer_errors_are_the_wizards(api, contoso_key, offers):
    body = _new_customer(offers, company_name="  ", subscriptions=[])
    response = api(contoso_key).post("/api/v1/customers/", body, format="json")
    assert response.status_code == 400
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert errors["company_name"] == "This field is required."
    assert errors["subscriptions"] == "Select at least one subscription."
    assert not Customer.objects.filter(name="Litware Inc").exists()


def test_orders_list_and_read_with_lines(api, contoso_key, adatum, contoso):
    order = factories.OrderFactory(provider=contoso, customer=adatum)
    listed = api(contoso_key).get("/api/v1/orders/").json()["results"]
    assert [o["id"] for o in listed] == [str(order.pk)]
    detail = api(contoso_key).get(f"/api/v1/orders/{order.pk}/").json()
    assert detail["status"] == order.status
    assert "lines" in detail

"""The reseller's incentive-eligible subscriptions, per month, and their CSV export."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest

from tests import factories


@pytest.fixture
def credited(customer, reseller, provider):
    offer = factories.OfferFactory(name="Office 365 E3", code="o365-e3", unit_price="23.00")
    current = factories.SubscriptionFactory(
        customer=customer, offer=offer, quantity=10, reseller_of_record=reseller,
        term_start=datetime.date(2026, 10, 1), term_end=datetime.date(2027, 9, 30))
    ended = factories.SubscriptionFactory(
        customer=customer, quantity=3, reseller_of_record=reseller,
        term_start=datetime.date(2025, 1, 1), term_end=datetime.date(2025, 12, 31))
    # Credited to another reseller: never shown here.
    factories.SubscriptionFactory(customer=customer, reseller_of_record=factories.ResellerFactory())
    return current, ended


def test_list_totals_and_month_filter(client, reseller_admin, credited):
    client.force_login(reseller_admin)
    everything = client.get("/o/northwind/incentives/")
    assert len(everything.context["page"].object_list) == 2
    november = client.get("/o/northwind/incentives/?month=2026-11")
    rows = list(november.context["page"].object_list)
    assert [s.quantity for s in rows] == [10]
    assert rows[0].monthly_value == Decimal("230.00")
    assert "10 licenses, 230.00 USD per month" in november.content.decode()
    junk = client.get("/o/northwind/incentives/?month=2026-13")
    assert junk.status_code == 200
    assert "Enter a month as YYYY-MM." in junk.content.decode()


def test_csv_export(client, reseller_admin, credited):
    client.force_login(reseller_admin)
    response = client.get("/o/northwind/incentives.csv?month=2026-11")
    assert response["Content-Type"].startswith("text/csv")
    assert "incentives-northwind-2026-11.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["customer"] == "Adatum Corporation"
    assert rows[0]["provider"] == "Contoso Distribution"
    assert rows[0]["licenses"] == "10"
    assert rows[0]["monthly_value"] == "230.00"
    assert rows[0]["month"] == "2026-11"


def test_csv_neutralises_formulas(client, reseller_admin, reseller, provider):
    evil = factories.CustomerFactory(provider=provider, reseller=reseller,
                                     organization__name="=HYPERLINK(\"x\")")
    factories.SubscriptionFactory(customer=evil, reseller_of_record=reseller,
                                  term_start=datetime.date(2026, 1, 1),
                                  term_end=datetime.date(2026, 12, 31))
    client.force_login(reseller_admin)
    content = client.get("/o/northwind/incentives.csv?month=2026-06").content.decode()
    assert "'=HYPERLINK" in content


def test_dashboard_shows_incentives_and_recent_activity(client, reseller_admin, credited):
    from apps.audit.services import record

    record(actor=reseller_admin, organization=reseller_admin.memberships.get().organization,
           action="test.happened")
    client.force_login(reseller_admin)
    page = client.get("/o/northwind/").content.decode()
    assert "Incentives" in page
    assert "13 licenses" in page
    assert "You: Test happened" in page


def test_query_count_is_constant(client, reseller_admin, customer, reseller,
                                 django_assert_max_num_queries):
    for _ in range(40):
        factories.SubscriptionFactory(customer=customer, reseller_of_record=reseller)
    client.force_login(reseller_admin)
    with django_assert_max_num_queries(10):
        client.get("/o/northwind/incentives/")
    with django_assert_max_num_queries(10):
        client.get("/o/northwind/incentives.csv")


def test_rows_follow_the_customer_order_and_a_rename(client, reseller_admin, reseller,
                                                     provider, provider_admin):
    from apps.organizations.services import organization_rename

    names = ["Fourth Coffee", "Alpine Ski House", "Contoso Pharmaceuticals"]
    for name in names:
        customer = factories.CustomerFactory(provider=provider, reseller=reseller,
                                             organization__name=name)
        for offer in ("Office 365 E5", "Exchange Online"):
            factories.SubscriptionFactory(customer=customer, reseller_of_record=reseller,
                                          offer=factories.OfferFactory(name=offer))
    client.force_login(reseller_admin)

    def shown():
        html = client.get("/o/northwind/incentives/").content.decode()
        return re.findall(r"<tr><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td>", html)

    assert shown() == [("Alpine Ski House", "Exchange Online"),
                       ("Alpine Ski House", "Office 365 E5"),
                       ("Contoso Pharmaceuticals", "Exchange Online"),
                       ("Contoso Pharmaceuticals", "Office 365 E5"),
                       ("Fourth Coffee", "Exchange Online"),
                       ("Fourth Coffee", "Office 365 E5")]
    alpine = factories.CustomerFactory._meta.model.objects.get(name="Alpine Ski House")
    organization_rename(organization=alpine.organization, name="Wingtip Toys",
                        actor=provider_admin)
    assert [customer for customer, _offer in shown()] == [
        "Contoso Pharmaceuticals", "Contoso Pharmaceuticals", "Fourth Coffee", "Fourth Coffee",
        "Wingtip Toys", "Wingtip Toys"]

"""Invoices, credit notes, statements and charges through the API, on fixed dates: each
organization reads what concerns it (a reseller at its own price, never the provider's
cost), money as decimal strings with the currency; another tenant's invoice is a 404."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.billing.models import Invoice
from apps.billing.services import (
    invoice_credit_note,
    month_close,
)
from tests import factories
from tests.api.conftest import make_key
from tests.billing.helpers import margins_set, subscribe

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def october_invoiced(contoso, northwind, adatum, offers):
    """Contoso bills Northwind at cost + 10 % (Standard x3 from 16 October: 21.29; cost
    19.35) and a direct customer (Basic x2 for October: 13.20); Northwind's statement to
    Adatum at + 20 % (25.55). October closed on 1 November."""
    margins_set(contoso, northwind)
    direct = factories.CustomerFactory(provider=contoso, reseller=None,
                                       organization__name="Blue Yonder")
    resold = subscribe(adatum, offers["standard"], 3, day(2026, 10, 16), reseller=northwind)
    subscribe(direct, offers["basic"], 2, day(2026, 10, 1))
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    return {"direct": direct, "resold": resold,
            "to_northwind": Invoice.objects.get(kind="invoice", recipient=northwind)}


def test_the_provider_lists_its_invoices_of_a_month(api, contoso_key, october_invoiced):
    client = api(contoso_key)
    rows = client.get("/api/v1/invoices/?month=2026-10").json()["results"]
    assert sorted((r["kind"], r["number"], r["recipient"]["name"], r["total"], r["currency"])
                  for r in rows) == [
        ("invoice", "INV-000001", "Blue Yonder", "13.20", "USD"),
        ("invoice", "INV-000002", "Northwind Traders", "21.29", "USD")]
    assert client.get("/api/v1/invoices/?month=2026-09").json()["results"] == []
    assert len(client.get("/api/v1/invoices/?status=issued").json()["results"]) == 2
    assert client.get("/api/v1/invoices/?status=paid").json()["results"] == []
    # Cursor pagination: one a page, no row twice.
    first = client.get("/api/v1/invoices/?page_size=1").json()
    second = client.get(f"/api/v1/invoices/?page_size=1&cursor={first['next']}").json()
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {r["id"] for r in rows}
    assert second["next"] is None


@pytest.mark.parametrize(("query", "field", "message"), [
    ("month=2026-13", "month", "Enter a month as YYYY-MM."),
    ("month=october", "month", "Enter a month as YYYY-MM."),
    ("status=late", "status", "Choose a status from the list."),
    ("kind=bill", "kind", "Choose a kind from the list."),
])
def test_a_wrong_filter_is_a_400_problem(api, contoso_key, query, field, message):
    response = api(contoso_key).get(f"/api/v1/invoices/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0] == {"field": field, "detail": message,
                                           "pointer": f"#/{field}"}


def test_an_invoice_with_its_lines_and_tax(api, contoso_key, northwind_key, october_invoiced):
    invoice = october_invoiced["to_northwind"]
    for key in (contoso_key, northwind_key):
        detail = api(key).get(f"/api/v1/invoices/{invoice.pk}/").json()
        assert (detail["number"], detail["month"], detail["subtotal"], detail["total"]) == (
            "INV-000002", "2026-10", "21.29", "21.29")
        [line] = detail["lines"]
        assert (line["offer"]["code"], line["quantity"], line["unit_price"], line["amount"],
                line["period_start"], line["days"], line["period_days"]) == (
            "standard", 3, "13.75", "21.29", "2026-10-16", 16, 31)
        assert detail["tax_lines"] == [{"rate": "0.00", "base": "21.29", "amount": "0.00",
                                        "reverse_charge": False}]


def test_the_reseller_reads_its_invoice_and_its_statements_never_the_cost(
        api, northwind_key, october_invoiced):
    client = api(northwind_key)
    rows = client.get("/api/v1/invoices/").json()["results"]
    assert sorted((r["kind"], r["status"], r["issuer"]["name"], r["total"]) for r in rows) == [
        ("invoice", "issued", october_invoiced["to_northwind"].issuer_name, "21.29"),
        ("statement", "draft", "Northwind Traders", "25.55")]
    drafts = client.get("/api/v1/invoices/?status=draft").json()["results"]
    assert [(d["kind"], d["number"]) for d in drafts] == [("statement", None)]
    statement = client.get(f"/api/v1/invoices/{drafts[0]['id']}/").json()
    assert [line["unit_price"] for line in statement["lines"]] == ["16.50"]  # its own price
    [charge] = client.get("/api/v1/charges/").json()["results"]
    # What Northwind pays (13.75), its margin on Adatum's 16.50: nothing of the cost 12.50.
    assert (charge["unit_price"], charge["amount"], charge["margin"]) == (
        "13.75", "21.29", "4.26")
    assert "12.50" not in str(charge)
    assert "19.35" not in str(charge)
    assert charge["reseller_of_record"]["name"] == "Northwind Traders"
    assert charge["invoice"]["number"] == "INV-000002"


def test_the_provider_filters_charges(api, contoso_key, october_invoiced, adatum):
    client = api(contoso_key)
    everything = client.get("/api/v1/charges/?month=2026-10").json()["results"]
    assert sorted((c["customer"]["name"], c["amount"], c["margin"]) for c in everything) == [
        ("Adatum Corporation", "21.29", "1.94"), ("Blue Yonder", "13.20", "1.20")]
    by_customer = client.get(f"/api/v1/charges/?customer={adatum.pk}").json()["results"]
    assert [c["customer"]["id"] for c in by_customer] == [str(adatum.pk)]
    resold = october_invoiced["resold"]
    by_subscription = client.get(f"/api/v1/charges/?subscription={resold.pk}").json()
    assert [c["subscription_id"] for c in by_subscription["results"]] == [str(resold.pk)]
    assert client.get("/api/v1/charges/?month=2026-11").json()["results"] == []
    bad = client.get("/api/v1/charges/?customer=adatum")
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "customer")


def test_pdf_and_csv_downloads(api, northwind_key, october_invoiced):
    invoice = october_invoiced["to_northwind"]
    client = api(northwind_key)
    pdf = client.get(f"/api/v1/invoices/{invoice.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    text = client.get(f"/api/v1/invoices/{invoice.pk}/csv/").content.decode("utf-8-sig")
    assert ["total", "21.29", "USD"] in list(csv.reader(io.StringIO(text)))


def test_another_tenants_invoice_is_a_404_problem(api, october_invoiced, tailspin,
                                                  tailspin_admin, fabrikam, fabrikam_admin):
    invoice = october_invoiced["to_northwind"]
    for org, admin in ((tailspin, tailspin_admin), (fabrikam, fabrikam_admin)):
        client = api(make_key(admin, org)[1])
        for suffix in ("", "pdf/", "csv/"):
            response = client.get(f"/api/v1/invoices/{invoice.pk}/{suffix}")
            assert response.status_code == 404
            assert response["Content-Type"] == "application/problem+json"
        assert client.get("/api/v1/invoices/").json()["results"] == []
        assert client.get("/api/v1/charges/").json()["results"] == []


def test_the_provider_marks_an_invoice_paid_once(api, contoso_key, northwind_key,
                                                 october_invoiced, contoso):
    invoice = october_invoiced["to_northwind"]
    client = api(contoso_key)
    url = f"/api/v1/invoices/{invoice.pk}/mark-paid/"
    paid = client.post(url, {"paid_on": "2026-11-10"}, format="json",
                       HTTP_IDEMPOTENCY_KEY="erp-paid-1")
    assert (paid.status_code, paid.json()["status"], paid.json()["paid_on"]) == (
        200, "paid", "2026-11-10")
    again = client.post(url, {"paid_on": "2026-11-10"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="erp-paid-1")
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="billing.invoice_paid",
                                     organization=contoso).count() == 1
    assert api(northwind_key).post(url, {}, format="json").status_code == 404
    future = client.post(url, {"paid_on": "2999-01-01"}, format="json")
    assert future.json()["errors"][0]["detail"] == "Enter a day no later than today."
    note = invoice_credit_note(invoice=invoice, issuer=contoso, actor=None)
    refused = client.post(f"/api/v1/invoices/{note.pk}/mark-paid/", {}, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (
        400, "Only an issued invoice can be marked paid.")
    detail = client.get(f"/api/v1/invoices/{note.pk}/").json()
    assert (detail["kind"], detail["corrects"]["number"], detail["total"]) == (
        "credit_note", "INV-000002", "-21.29")
    assert [line["kind"] for line in detail["lines"]] == ["credit_note"]

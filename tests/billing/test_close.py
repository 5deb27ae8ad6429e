"""Closing a month, on fixed dates: the month's charge of monthly-billed subscriptions,
invoices per buyer numbered without gaps, tax and reverse charge, statements, a second
close that makes nothing, and a reconciliation CSV that sums to the invoices."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.billing.mailing import mail_invoices
from apps.billing.models import Charge, Invoice
from apps.billing.services import (
    month_close,
    tax_id_set,
    tax_rate_set,
)
from apps.outbox.models import OutboxMessage
from tests import factories

from .helpers import margins_set, record_line, subscribe

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def closed_world(contoso, northwind, adatum, offers):
    """Contoso (US) bills Northwind (+10 %) and a direct customer; Northwind bills Adatum
    (+20 %). Northwind bought Standard x3 on 16 October; a direct customer Basic x2."""
    contoso.country = "US"
    contoso.save()
    margins_set(contoso, northwind)
    direct = factories.CustomerFactory(provider=contoso, reseller=None,
                                       organization__name="Blue Yonder",
                                       organization__country="US")
    resold = subscribe(adatum, offers["standard"], 3, day(2026, 10, 16), reseller=northwind)
    own = subscribe(direct, offers["basic"], 2, day(2026, 10, 1))
    return {"direct": direct, "resold": resold, "own": own}


def test_october_closes_into_an_invoice_per_buyer_and_a_statement(closed_world, contoso, northwind,
                                                                   adatum):
    closed = month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    assert (closed.invoices, closed.statements) == (2, 1)
    to_northwind = Invoice.objects.get(recipient=northwind)
    # 13.75 x 3 x 16/31 = 21.29 (Standard at cost + 10 %, 16 to 31 October)
    assert (to_northwind.subtotal, to_northwind.total, to_northwind.status) == (
        D("21.29"), D("21.29"), "issued")
    direct = Invoice.objects.get(recipient=closed_world["direct"].organization)
    assert direct.subtotal == D("13.20")  # 6.60 x 2, the whole month
    assert sorted(Invoice.objects.filter(issuer=contoso).values_list("number", flat=True)) \
        == [1, 2]
    statement = Invoice.objects.get(kind="statement")
    assert (statement.issuer_id, statement.recipient_id, statement.status, statement.number) == (
        northwind.pk, adatum.organization_id, "draft", 0)
    assert statement.subtotal == D("25.55")  # 16.50 x 3 x 16/31
    assert OutboxMessage.objects.filter(task="apps.billing.mailing.mail_invoices").count() == 1


def test_the_next_month_charges_each_monthly_subscription_for_the_licences_of_the_first(
        closed_world, contoso, northwind):
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    # Northwind adds 2 licences on 30 November: 2 x 1/30 of a month.
    record_line(closed_world["resold"], "add_licenses", 5, day(2026, 11, 30), previous_quantity=3)
    closed_world["resold"].quantity = 5
    closed_world["resold"].save()
    month_close(month=day(2026, 11, 1), today=day(2026, 12, 1))
    monthly = Charge.objects.get(subscription=closed_world["resold"], kind="monthly")
    assert (monthly.quantity, monthly.period_start, monthly.period_end) == (
        3, day(2026, 11, 1), day(2026, 11, 30))
    invoice = Invoice.objects.get(recipient=northwind, month=day(2026, 11, 1))
    # 13.75 x 3 = 41.25 for November, plus 13.75 x 2 x 1/30 = 0.92
    assert invoice.subtotal == D("42.17")
    # After October's 1 and 2, November's: Blue Yonder 3, Northwind 4 (no gap).
    assert sorted(Invoice.objects.filter(month=day(2026, 11, 1), kind="invoice")
                  .values_list("number", flat=True)) == [3, 4]
    assert invoice.number == 4


def test_closing_twice_makes_no_second_invoice(closed_world, contoso):
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    again = month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    assert (again.invoices, again.statements, again.monthly_charges) == (0, 0, 0)
    assert Invoice.objects.filter(kind="invoice").count() == 2
    assert Charge.objects.filter(invoice__isnull=True).count() == 0


def test_tax_per_country_and_reverse_charge_for_a_tax_id_abroad(closed_world, contoso, northwind):
    tax_rate_set(provider=contoso, country="US", rate=D("8.25"), actor=None)
    tax_rate_set(provider=contoso, country="DE", rate=D("19"), actor=None)
    northwind.country = "DE"
    northwind.save()
    tax_id_set(organization=northwind, tax_id="de123456789", actor=None)
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    abroad = Invoice.objects.get(recipient=northwind)
    assert (abroad.reverse_charge, abroad.tax, abroad.total, abroad.recipient_tax_id) == (
        True, D("0"), D("21.29"), "DE123456789")
    home = Invoice.objects.get(recipient=closed_world["direct"].organization)
    # 13.20 x 8.25 % = 1.089 → 1.09
    assert (home.reverse_charge, home.tax, home.total) == (False, D("1.09"), D("14.29"))


def test_the_reconciliation_csv_matches_the_invoices_to_the_cent(closed_world, contoso, northwind,
                                                                 contoso_admin, client):
    record_line(closed_world["resold"], "add_licenses", 4, day(2026, 10, 31), previous_quantity=3)
    closed_world["resold"].quantity = 4
    closed_world["resold"].save()
    record_line(closed_world["own"], "cancel", 2, day(2026, 10, 5), previous_quantity=2)
    closed_world["own"].status, closed_world["own"].cancelled_on = "cancelled", day(2026, 10, 5)
    closed_world["own"].save()
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    client.force_login(contoso_admin)
    response = client.get(reverse("billing:reconciliation", kwargs={"org_slug": "contoso"}),
                          {"month": "2026-10"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    by_invoice: dict[str, Decimal] = {}
    for row in rows:
        by_invoice[row["invoice_number"]] = by_invoice.get(row["invoice_number"],
                                                           D(0)) + D(row["amount"])
    invoices = {invoice.display_number: invoice.subtotal
                for invoice in Invoice.objects.filter(issuer=contoso)}
    assert by_invoice == invoices
    assert sum(by_invoice.values()) == sum(invoices.values())


def test_the_reseller_downloads_its_invoice_as_pdf_and_csv(closed_world, northwind_admin, client):
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    invoice = Invoice.objects.get(recipient__slug="northwind")
    client.force_login(northwind_admin)
    kwargs = {"org_slug": "northwind", "invoice_id": invoice.pk}
    page = client.get(reverse("billing:invoice", kwargs=kwargs))
    assert "21.29" in page.content.decode()
    pdf = client.get(reverse("billing:invoice_pdf", kwargs=kwargs))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = client.get(reverse("billing:invoice_csv", kwargs=kwargs)).content.decode("utf-8-sig")
    assert "total,21.29,USD" in text
    listing = client.get(reverse("billing:list", kwargs={"org_slug": "northwind"}))
    assert "INV-000001" in listing.content.decode() or "INV-000002" in listing.content.decode()


def test_the_provider_marks_an_invoice_paid_and_an_unpaid_one_turns_overdue(
        closed_world, contoso_admin, client, northwind):
    month_close(month=day(2026, 10, 1), today=day(2026, 9, 1))  # due 1 October: overdue
    invoice = Invoice.objects.get(recipient=northwind)
    client.force_login(contoso_admin)
    listing = client.get(reverse("billing:list", kwargs={"org_slug": "contoso"}),
                         {"status": "overdue"})
    assert f">{invoice.display_number}</a>" in listing.content.decode()
    client.post(reverse("billing:invoice_paid", kwargs={"org_slug": "contoso",
                                                        "invoice_id": invoice.pk}))
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    listing = client.get(reverse("billing:list", kwargs={"org_slug": "contoso"}),
                         {"status": "overdue"})
    assert f">{invoice.display_number}</a>" not in listing.content.decode()


def test_chinese_names_render_in_the_pdf(closed_world, northwind_admin, client, adatum):
    org = adatum.organization
    org.name = "阿达图姆公司"
    org.save()
    adatum.name = org.name
    adatum.save()
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    invoice = Invoice.objects.get(kind="statement")
    client.force_login(northwind_admin)
    pdf = client.get(reverse("billing:invoice_pdf", kwargs={"org_slug": "northwind",
                                                            "invoice_id": invoice.pk}),
                     HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert pdf.status_code == 200
    assert b"DroidSansFallback" in pdf.content  # the bundled CJK font is embedded


def test_the_recipients_admins_are_mailed_once_in_their_language(closed_world, northwind_admin,
                                                                  contoso, mailoutbox,
                                                                  on_commit):

    northwind_admin.language = "zh-hans"
    northwind_admin.save()
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    for _run in range(2):
        with on_commit():
            mail_invoices(str(contoso.pk), "2026-10-01")
    mails = [mail for mail in mailoutbox if northwind_admin.email in mail.to]
    assert len(mails) == 1
    assert "发票" in mails[0].subject
    assert "/o/northwind/billing/invoices/" in mails[0].body


def test_a_credit_note_cancels_an_issued_invoice_which_never_changes(closed_world, contoso,
                                                                     contoso_admin, client,
                                                                     northwind):
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    invoice = Invoice.objects.get(recipient=northwind)
    client.force_login(contoso_admin)
    path = reverse("billing:invoice_credit_note", kwargs={"org_slug": "contoso",
                                                          "invoice_id": invoice.pk})
    key = "8a3c0f3e-3f4b-4d43-9a57-1c1c8f6d2b11"
    client.post(path, {"request_key": key, "credit_all": "1"})
    client.post(path, {"request_key": key, "credit_all": "1"})  # a double submit: one note
    note = Invoice.objects.get(kind="credit_note")
    assert (note.corrects, note.total, note.number) == (invoice, -invoice.total, 3)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.total) == ("issued", D("21.29"))
    page = client.get(reverse("billing:invoice", kwargs={"org_slug": "contoso",
                                                         "invoice_id": note.pk}))
    assert "CN-000003" in page.content.decode()

"""Partial credit notes (chosen lines, capped per line and per invoice, numbered in the
issuer's series, in the PDF, CSV and reconciliation export) and statements a reseller
reviews and sends to its customer, on fixed dates."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.billing.models import CreditNoteLine, Invoice
from apps.billing.services import (
    invoice_credit_note,
    month_close,
    statement_send,
    tax_rate_set,
)
from apps.errors import DomainError, FieldErrors
from apps.outbox.models import OutboundMail
from tests import factories

from .helpers import margins_set, record_line, subscribe

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date
KEY = "0b6f4c55-3c1e-4d3b-8f43-6a1f0c1d2e3f"


@pytest.fixture
def billed_october(contoso, northwind, adatum, offers):
    """Contoso (US, 10 % tax) bills Northwind (+10 %): Standard x3 from 16 October
    (21.29) and 2 more licences from 31 October (13.75 x 2 x 1/31 = 0.89); Northwind
    bills Adatum (+20 %). October is closed on 1 November."""
    contoso.country = "US"
    contoso.save()
    northwind.country = "US"
    northwind.save()
    tax_rate_set(provider=contoso, country="US", rate=D("10"), actor=None)
    margins_set(contoso, northwind)
    resold = subscribe(adatum, offers["standard"], 3, day(2026, 10, 16), reseller=northwind)
    record_line(resold, "add_licenses", 5, day(2026, 10, 31), previous_quantity=3)
    month_close(month=day(2026, 10, 1), today=day(2026, 11, 1))
    invoice = Invoice.objects.get(kind="invoice", recipient=northwind)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (D("22.18"), D("2.22"),
                                                               D("24.40"))
    return invoice


def _lines(invoice):
    return {charge.kind: charge for charge in invoice.charges.all()}


def _url(name, invoice, org="contoso"):
    return reverse(f"billing:{name}", kwargs={"org_slug": org, "invoice_id": invoice.pk})


# ------------------------------------------------------------------ credit notes


def test_the_provider_credits_part_of_one_line(billed_october, contoso_admin, client):
    invoice = billed_october
    purchase = _lines(invoice)["purchase"]
    client.force_login(contoso_admin)
    form = client.get(_url("invoice_credit_note", invoice)).content.decode()
    assert "up to 21.29 USD can still be credited" in form
    response = client.post(_url("invoice_credit_note", invoice),
                           {"request_key": KEY, f"line_{purchase.pk}": "5.00"})
    note = Invoice.objects.get(kind="credit_note")
    assert response.url == _url("invoice", note)
    # 5.00 back, and its 10 % tax: numbered after October's invoice and statement.
    assert (note.corrects, note.subtotal, note.tax, note.total, note.display_number) == (
        invoice, D("-5.00"), D("-0.50"), D("-5.50"), "CN-000002")
    page = client.get(_url("invoice", note)).content.decode()
    assert "CN-000002" in page
    assert "-5.00 USD" in page
    invoice.refresh_from_db()
    assert (invoice.status, invoice.total) == ("issued", D("24.40"))  # never changes
    assert AuditEvent.objects.filter(action="billing.credit_note_issued").count() == 2


def test_more_than_a_line_has_left_is_refused_next_to_the_line(billed_october, contoso_admin,
                                                               client):
    invoice = billed_october
    purchase, added = _lines(invoice)["purchase"], _lines(invoice)["add_licenses"]
    invoice_credit_note(invoice=invoice, issuer=invoice.issuer,
                        amounts={str(purchase.pk): D("20.00")}, actor=None)
    client.force_login(contoso_admin)
    response = client.post(_url("invoice_credit_note", invoice), {
        "request_key": KEY, f"line_{purchase.pk}": "1.30", f"line_{added.pk}": "0.50"})
    assert response.status_code == 400
    page = response.content.decode()
    # 21.29 - 20.00 = 1.29 left on the line: the message sits under its field.
    assert f'id="id_line_{purchase.pk}_error">At most 1.29 USD of this line can still be ' \
           "credited." in page
    response = client.post(_url("invoice_credit_note", invoice),
                           {"request_key": KEY, f"line_{added.pk}": "-1"})
    assert response.status_code == 400
    assert f'id="id_line_{added.pk}_error"' in response.content.decode()
    response = client.post(_url("invoice_credit_note", invoice), {"request_key": KEY})
    assert "Enter the amount to credit on at least one line." in response.content.decode()
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_an_invoice_is_never_credited_more_than_invoiced(billed_october, contoso):
    invoice = billed_october
    purchase, added = _lines(invoice)["purchase"], _lines(invoice)["add_licenses"]
    first = invoice_credit_note(invoice=invoice, issuer=contoso,
                                amounts={str(purchase.pk): D("10.01")}, actor=None)
    with pytest.raises(FieldErrors) as refused:
        invoice_credit_note(invoice=invoice, issuer=contoso,
                            amounts={str(added.pk): D("0.90")}, actor=None)
    assert refused.value.errors == {
        f"line_{added.pk}": ["At most 0.89 USD of this line can still be credited."]}
    # The rest of it all: 22.18 - 10.01 = 12.17, its tax what the invoice's has left.
    rest = invoice_credit_note(invoice=invoice, issuer=contoso, actor=None)
    assert (rest.subtotal, rest.tax, rest.number) == (D("-12.17"), D("-1.22"), 3)
    assert first.tax + rest.tax == -invoice.tax
    assert first.total + rest.total == -invoice.total
    assert {(line.charge.kind, line.amount) for line in CreditNoteLine.objects.filter(
        credit_note=rest)} == {("purchase", D("11.28")), ("add_licenses", D("0.89"))}
    with pytest.raises(DomainError, match=r"Nothing of this invoice is left to credit\."):
        invoice_credit_note(invoice=invoice, issuer=contoso, actor=None)


def test_a_double_submit_makes_one_credit_note(billed_october, contoso_admin, client):
    invoice = billed_october
    purchase = _lines(invoice)["purchase"]
    client.force_login(contoso_admin)
    for _twice in range(2):
        client.post(_url("invoice_credit_note", invoice),
                    {"request_key": KEY, f"line_{purchase.pk}": "3.00"})
    assert Invoice.objects.filter(kind="credit_note").count() == 1
    # The same form key sent for another invoice: refused, not a server error.
    other = Invoice.objects.create(
        kind="invoice", status="issued", issuer=invoice.issuer, recipient=invoice.recipient,
        month=day(2026, 9, 1), currency="USD", number=99, subtotal=D("5"), tax_rate=0,
        tax=0, total=D("5"), issuer_name="Contoso", recipient_name="Northwind",
        issued_on=day(2026, 10, 1), due_on=day(2026, 10, 31))
    response = client.post(_url("invoice_credit_note", other),
                           {"request_key": KEY, "credit_all": "1"})
    assert response.status_code == 400
    assert "This form was already used." in response.content.decode()


def test_the_credit_note_pdf_csv_and_reconciliation_carry_its_lines(billed_october, contoso,
                                                                    contoso_admin, client):
    invoice = billed_october
    purchase = _lines(invoice)["purchase"]
    note = invoice_credit_note(invoice=invoice, issuer=contoso,
                               amounts={str(purchase.pk): D("5.00")}, actor=None)
    client.force_login(contoso_admin)
    pdf = client.get(_url("invoice_pdf", note))
    assert pdf.content.startswith(b"%PDF")
    assert "CN-000002" in pdf["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(
        client.get(_url("invoice_csv", note)).content.decode("utf-8-sig"))))
    [line] = [row for row in rows[1:] if row and row[0] == "CN-000002"]
    assert (line[8], line[15]) == ("credit_note", "-5.00")
    assert ["total", "-5.50", "USD"] in rows
    export = client.get(reverse("billing:reconciliation", kwargs={"org_slug": "contoso"}),
                        {"month": "2026-10"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    by_number: dict[str, Decimal] = {}
    for row in rows:
        by_number[row["invoice_number"]] = by_number.get(row["invoice_number"],
                                                         D(0)) + D(row["amount"])
    # Each invoice and credit note of October, to the cent.
    assert by_number == {document.display_number: document.subtotal
                         for document in Invoice.objects.filter(issuer=contoso)}
    [credit] = [row for row in rows if row["kind"] == "credit_note"]
    assert (credit["amount"], credit["margin"]) == ("-5.00", "-5.00")


def test_the_reseller_sees_the_credit_note_but_cannot_credit(billed_october, contoso,
                                                             northwind_admin, client):
    note = invoice_credit_note(invoice=billed_october, issuer=contoso, actor=None)
    client.force_login(northwind_admin)
    page = client.get(_url("invoice", note, org="northwind")).content.decode()
    assert "-24.40 USD" in page
    assert client.get(_url("invoice_credit_note", billed_october,
                           org="northwind")).status_code == 404


# ------------------------------------------------------------------ statements


@pytest.fixture
def draft_statement(billed_october, adatum):
    statement = Invoice.objects.get(kind="statement")
    # 16.50 x 3 x 16/31 = 25.55, and 16.50 x 2 x 1/31 = 1.06
    assert (statement.status, statement.number, statement.subtotal) == (
        "draft", 0, D("26.61"))
    return statement


def test_the_reseller_reviews_and_sends_a_statement(draft_statement, northwind_admin,
                                                    adatum_admin, client, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    adatum_admin.language = "zh-hans"
    adatum_admin.save()
    client.force_login(northwind_admin)
    detail = client.get(_url("invoice", draft_statement, org="northwind")).content.decode()
    assert _url("statement_send", draft_statement, org="northwind") in detail
    review = client.get(_url("statement_send", draft_statement, org="northwind"))
    assert adatum_admin.email in review.content.decode()
    assert draft_statement.total == D("29.27")  # 26.61 and 10 % tax
    assert "29.27 USD" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("statement_send", draft_statement, org="northwind"))
    statement = Invoice.objects.get(pk=draft_statement.pk)
    assert response.url == _url("invoice", statement, org="northwind")
    assert (statement.status, statement.number, statement.display_number) == (
        "issued", 1, "ST-000001")
    [mail] = [m for m in mailoutbox if adatum_admin.email in m.to]
    assert "ST-000001" in mail.subject
    # In the admin's language; the link is the PDF on Adatum's Billing page, no token.
    assert OutboundMail.objects.get(template="statement_sent",
                                    recipient=adatum_admin.email).language == "zh-hans"
    assert re.search(rf"https?://[^/\s]+/o/adatum/billing/invoices/{statement.pk}/pdf/\n",
                     mail.body)
    assert set(AuditEvent.objects.filter(action="billing.statement_sent")
               .values_list("organization__slug", flat=True)) == {"northwind", "adatum"}
    # Sent again (a double submit): nothing changes.
    client.post(_url("statement_send", draft_statement, org="northwind"))
    assert Invoice.objects.get(pk=statement.pk).number == 1
    assert len([m for m in mailoutbox if adatum_admin.email in m.to]) == 1


def test_the_customer_sees_a_sent_statement_only(draft_statement, northwind, adatum_admin,
                                                 client):
    client.force_login(adatum_admin)
    billing = reverse("billing:list", kwargs={"org_slug": "adatum"})
    assert "Northwind Traders" not in client.get(billing).content.decode()
    assert client.get(_url("invoice", draft_statement, org="adatum")).status_code == 404
    statement_send(statement=draft_statement, reseller=northwind, actor=None)
    listing = client.get(billing).content.decode()
    assert "ST-000001" in listing
    page = client.get(_url("invoice", draft_statement, org="adatum")).content.decode()
    assert "29.27 USD" in page
    assert "Send" not in page.split("<table")[0].split("Download CSV")[1]
    pdf = client.get(_url("invoice_pdf", draft_statement, org="adatum"))
    assert pdf.content.startswith(b"%PDF")


def test_statements_are_numbered_without_gaps(billed_october, northwind, contoso, offers):
    other = factories.CustomerFactory(provider=contoso, reseller=northwind,
                                      organization__name="Litware")
    subscribe(other, offers["basic"], 1, day(2026, 11, 3), reseller=northwind)
    month_close(month=day(2026, 11, 1), today=day(2026, 12, 1))
    statements = Invoice.objects.filter(kind="statement").order_by("recipient_name")
    assert statements.count() == 3  # Adatum's October and November, Litware's November
    for statement in statements:
        statement_send(statement=statement, reseller=northwind, actor=None)
    assert sorted(Invoice.objects.filter(kind="statement").values_list("number", flat=True)
                  ) == [1, 2, 3]


def test_only_a_reseller_admin_sends_its_own_statement(draft_statement, northwind_sales,
                                                       contoso_admin, fabrikam_admin, client):
    client.force_login(northwind_sales)
    assert client.post(_url("statement_send", draft_statement,
                            org="northwind")).status_code == 403
    client.force_login(fabrikam_admin)
    assert client.get(_url("statement_send", draft_statement,
                           org="fabrikam")).status_code == 404
    client.force_login(contoso_admin)
    assert client.get(_url("statement_send", draft_statement,
                           org="contoso")).status_code == 404
    assert Invoice.objects.get(pk=draft_statement.pk).status == "draft"

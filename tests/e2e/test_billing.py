"""A provider sets Fabrikam's margin, adds a customer for it, Fabrikam raises the
licences, the month closes, and Fabrikam downloads its invoice: the PDF and the CSV total
what the test works out by hand from the days left in the month."""

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_new_customer import choose, fill_details, open_wizard_from_fabrikam_row

pytestmark = pytest.mark.e2e


@pytest.fixture
def fabrikam_partnered_for_billing(demo):
    from apps.organizations.models import Organization
    from apps.partnerships.services import partnership_create

    contoso = Organization.objects.get(slug="contoso")
    fabrikam = Organization.objects.get(slug="fabrikam")
    partnership_create(provider=contoso, reseller=fabrikam)
    return fabrikam


def by_hand(unit, licences, today):
    """unit x licences x days left in the month (today included) / days in the month."""
    import calendar

    days = calendar.monthrange(today.year, today.month)[1]
    left = days - today.day + 1
    return (Decimal(unit) * licences * left / days).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_a_resellers_invoice_totals_the_prorated_charges(live_server, page, demo, sign_in,
                                                         fabrikam_partnered_for_billing):
    from apps.billing.services import month_close

    base = live_server.url
    sign_in("provider@contoso.test", demo)

    # Contoso's list for Fabrikam: cost + 10 %.
    page.goto(f"{base}/o/contoso/billing/price-lists/")
    page.get_by_label("Name").fill("Fabrikam prices")
    page.get_by_role("button", name="Create price list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fabrikam prices")
    page.get_by_role("spinbutton", name="Margin over cost (%)").fill("10")
    page.get_by_role("button", name="Save price").click()
    expect(page.get_by_role("cell", name="Margin 10.00%")).to_be_visible()
    page.get_by_role("link", name="Price lists").first.click()
    page.get_by_role("link", name="Assign lists and credit limits to resellers").click()
    page.get_by_role("link", name="Edit terms of Fabrikam Solutions").click()
    page.get_by_label("Price list").select_option(label="Fabrikam prices")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name=re.compile("Fabrikam Solutions"))).to_contain_text(
        "Fabrikam prices")

    # A customer for Fabrikam: the Review shows Contoso's cost, Fabrikam's price, the margin.
    open_wizard_from_fabrikam_row(page)
    fill_details(page, "billingco")
    choose(page, "Microsoft 365 Business Standard", 4)
    page.get_by_role("button", name="Next: Review").click()
    row = page.get_by_role("row", name=re.compile("Microsoft 365 Business Standard"))
    expect(row).to_contain_text("12.50 USD")
    expect(row).to_contain_text("13.75 USD")
    expect(row).to_contain_text("1.25 USD (10.00%)")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmation")

    # Fabrikam raises the licences from 4 to 6.
    page.context.clear_cookies()
    sign_in("reseller@fabrikam.test", demo)
    page.goto(f"{base}/o/fabrikam/customers/")
    page.get_by_role("link", name="Margie's Travel").click()
    page.get_by_role("link", name="Microsoft 365 Business Standard").first.click()
    page.get_by_role("spinbutton", name="Licenses").fill("6")
    page.get_by_role("button", name="Change licenses").click()
    expect(page.locator("#subscription-licenses")).to_have_text("6")

    # The month closes (the beat task on the 1st does this for the month before).
    today = timezone.localdate()
    closed = month_close(month=today, today=today)
    assert closed.invoices >= 1
    expected = by_hand("13.75", 4, today) + by_hand("13.75", 2, today)

    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Billing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    page.get_by_role("link", name=re.compile(r"INV-\d{6}")).first.click()
    expect(page.locator("#invoice-total")).to_have_text(f"{expected} USD")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    with open(pdf_download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    with open(csv_download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    lines = [row for row in rows[1:] if row and row[0].startswith("INV-")]
    assert sum(Decimal(row[15]) for row in lines) == expected
    assert ["total", str(expected), "USD"] in rows


def test_a_reseller_sends_a_statement_and_the_customer_admin_sees_it(live_server, page, demo,
                                                                     sign_in):
    from apps.billing.models import Invoice
    from apps.billing.services import month_close
    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from tests.billing.helpers import subscribe

    base = live_server.url
    northwind = Organization.objects.get(slug="northwind")
    adatum = Customer.objects.get(organization__slug="adatum")
    today = timezone.localdate()
    subscribe(adatum, Offer.objects.get(name="Microsoft 365 Business Standard"), 2,
              today.replace(day=1), reseller=northwind)
    month_close(month=today, today=today)
    statement = Invoice.objects.get(kind="statement", issuer=northwind,
                                    recipient=adatum.organization)
    total = f"{statement.total} {statement.currency}"

    # Northwind reviews the draft and sends it.
    sign_in("reseller@northwind.test", demo)
    page.goto(f"{base}/o/northwind/billing/?status=draft")
    page.get_by_role("row", name=re.compile("Adatum Corporation")).get_by_role(
        "link", name="Statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement (draft)")
    page.get_by_role("link", name="Send…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send statement")
    expect(page.get_by_role("main")).to_contain_text("admin@adatum.onpartnercenter.test")
    expect(page.get_by_role("main")).to_contain_text(total)
    page.get_by_role("button", name="Send to customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement ST-000001")
    expect(page.get_by_text("Statement ST-000001 is sent to Adatum Corporation.")
           ).to_be_visible()

    # Adatum's admin finds it on its Billing page and downloads the PDF.
    page.context.clear_cookies()
    sign_in("admin@adatum.onpartnercenter.test", demo)
    page.goto(f"{base}/o/adatum/billing/")
    page.get_by_role("link", name="ST-000001").click()
    expect(page.locator("#invoice-total")).to_have_text(total)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    with open(pdf_download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

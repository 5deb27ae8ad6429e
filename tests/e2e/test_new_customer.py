"""Add a new customer for Fabrikam in a real browser: wizard, Submit, one-time Setup info,
the customer's first sign-in, and the delegated reseller's view."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_fabrikam_partnered(demo):
    """The demo data's Fabrikam, partnered with Contoso here."""
    from apps.organizations.models import Organization
    from apps.partnerships.services import partnership_create

    contoso = Organization.objects.get(slug="contoso")
    fabrikam = Organization.objects.get(slug="fabrikam")
    partnership_create(provider=contoso, reseller=fabrikam)
    return fabrikam


def open_wizard_from_fabrikam_row(page):
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Indirect resellers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirect resellers")
    page.get_by_role("link", name="Add new customer for Fabrikam Solutions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New customer")


def fill_details(page, prefix):
    page.get_by_label("Company name").fill("Margie's Travel")
    page.get_by_label("Domain prefix").fill("adatum")
    expect(page.locator("#domain-check")).to_contain_text("is already taken")
    page.get_by_label("Domain prefix").fill(prefix)
    expect(page.locator("#domain-check")).to_contain_text(
        f"admin@{prefix}.onpartnercenter.test is available.")
    page.get_by_label("Contact first name").fill("Margie")
    page.get_by_label("Contact last name").fill("Shoop")
    page.get_by_label("Contact email").fill("margie@margiestravel.example")
    page.get_by_label("Contact phone").fill("+1 425 555 0100")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("City").fill("Redmond")
    page.get_by_label("Postal code").fill("98052")
    page.get_by_label("Street address").fill("1 Microsoft Way")
    page.get_by_role("button", name="Next: Subscriptions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New subscription")


def choose(page, offer, licenses):
    box = page.get_by_label(offer, exact=True)
    box.check()
    page.locator("tr", has=box).get_by_label("Licenses").fill(str(licenses))


def test_add_a_new_customer_for_fabrikam_end_to_end(live_server, page, demo_fabrikam_partnered,
                                                    demo, sign_in):
    from apps.customers.models import Customer

    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in("provider@contoso.test", demo)
    open_wizard_from_fabrikam_row(page)
    expect(page.get_by_label("Indirect reseller")).to_have_value(str(demo_fabrikam_partnered.pk))
    fill_details(page, "margiestravel")

    # Errors stay at their step: no offer, then too many licenses.
    page.get_by_role("button", name="Next: Review").click()
    expect(page.get_by_text("Select at least one subscription.")).to_be_visible()
    choose(page, "Microsoft 365 Business Basic", 5)
    choose(page, "Microsoft 365 Business Standard", 100000)
    page.get_by_role("button", name="Next: Review").click()
    expect(page.get_by_text("Enter 300 or fewer licenses")).to_be_visible()
    choose(page, "Microsoft 365 Business Standard", 10)
    page.get_by_role("button", name="Next: Review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    expect(page.get_by_text("Fabrikam Solutions")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Order total"))).to_contain_text("155.00 USD")
    # Back to the details and forward again: nothing entered is lost.
    page.get_by_role("link", name="Edit customer details").click()
    expect(page.get_by_label("Company name")).to_have_value("Margie's Travel")
    page.get_by_role("button", name="Next: Subscriptions").click()
    expect(page.locator("tr", has=page.get_by_label(
        "Microsoft 365 Business Standard", exact=True)).get_by_label("Licenses")).to_have_value(
        "10")
    page.get_by_role("button", name="Next: Review").click()
    assert not Customer.objects.filter(domain_prefix="margiestravel").exists()

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmation")
    expect(page.get_by_role("heading", name="Setup info")).to_be_visible()
    expect(page.get_by_text("You won't be able to see this password again")).to_be_visible()
    username = page.get_by_label("Admin user name").input_value()
    password = page.get_by_label("Temporary password").input_value()
    assert username == "admin@margiestravel.onpartnercenter.test"
    assert len(password) >= 16
    page.get_by_role("button", name="Copy password").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == password

    confirmation_url = page.url
    page.reload()
    expect(page.get_by_text("already shown")).to_be_visible()
    expect(page.get_by_label("Temporary password")).to_have_count(0)
    assert password not in page.content()

    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    row = page.get_by_role("row", name=re.compile("Margie's Travel"))
    expect(row).to_contain_text("Fabrikam Solutions")
    customer_url = row.get_by_role("link", name="Margie's Travel").get_attribute("href")

    # The customer's admin signs in with the shown credentials and must change the password.
    page.context.clear_cookies()
    sign_in(username, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    page.get_by_label(re.compile(r"^New password(?! confirmation)")).fill("Margie-owns-this-2026")
    page.get_by_label("New password confirmation").fill("Margie-owns-this-2026")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("cell", name="Microsoft 365 Business Standard")).to_be_visible()

    # Fabrikam's admin sees the customer; Northwind's gets a 404 on its page.
    page.context.clear_cookies()
    sign_in("reseller@fabrikam.test", demo)
    page.goto(f"{live_server.url}/o/fabrikam/customers/")
    page.get_by_role("link", name="Margie's Travel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Margie's Travel")
    expect(page.get_by_role("cell", name="Microsoft 365 Business Basic")).to_be_visible()
    page.context.clear_cookies()
    sign_in("reseller@northwind.test", demo)
    customer_id = customer_url.rstrip("/").rsplit("/", 1)[1]
    response = page.goto(f"{live_server.url}/o/northwind/customers/{customer_id}/")
    assert response.status == 404
    assert confirmation_url.endswith("/confirmation/")
    assert not csp_errors, csp_errors


def test_cancel_at_review_creates_nothing(live_server, page, demo_fabrikam_partnered, demo,
                                          sign_in):
    from django.contrib.auth import get_user_model

    from apps.customers.models import Customer
    from apps.orders.models import Order

    before = (Customer.objects.count(), Order.objects.count(), get_user_model().objects.count())
    sign_in("provider@contoso.test", demo)
    open_wizard_from_fabrikam_row(page)
    fill_details(page, "cancelledco")
    choose(page, "Microsoft 365 Business Basic", 5)
    page.get_by_role("button", name="Next: Review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirect resellers")
    expect(page.get_by_text("New customer cancelled. Nothing was saved.")).to_be_visible()
    after = (Customer.objects.count(), Order.objects.count(), get_user_model().objects.count())
    assert after == before

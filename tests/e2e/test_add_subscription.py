"""The acceptance walk in a real browser: Customers → filter by Fabrikam → expand a record →
Add subscription → New subscription → Submit → the customer's Subscriptions list → the
subscription → Designated support contact: Fabrikam → Submit → on the page and in the log."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def fabrikam_customer(demo):
    """Fabrikam partnered with Contoso, with a customer of its own (Margie's Travel)."""
    from apps.customers.services import customer_create
    from apps.organizations.models import Organization
    from apps.partnerships.services import partnership_create

    contoso = Organization.objects.get(slug="contoso")
    fabrikam = Organization.objects.get(slug="fabrikam")
    partnership_create(provider=contoso, reseller=fabrikam)
    return customer_create(provider=contoso, reseller=fabrikam, company_name="Margie's Travel",
                           domain_prefix="margiestravel", status="active", actor=None)


def open_customers(page):
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Customers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")


def table_rows(page):
    return page.locator("table.customers-table > tbody > tr:not(.customer-details)")


def test_add_a_subscription_for_fabrikam_and_make_it_the_support_contact(
        live_server, page, demo, fabrikam_customer, sign_in):
    from apps.audit.models import AuditEvent
    from apps.subscriptions.models import Subscription

    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in("provider@contoso.test", demo)
    open_customers(page)
    expect(table_rows(page)).to_have_count(4)  # Adatum, Litware, Margie's, Wide World

    # Filter by Fabrikam: htmx reloads the table and the URL keeps the filter.
    page.get_by_label("Indirect reseller").select_option(label="Fabrikam Solutions")
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text("Margie's Travel")
    expect(page).to_have_url(re.compile(r"\?reseller=[0-9a-f-]{36}$"))
    expect(page.locator("#customers-count")).to_have_text("1 customer")
    filtered_url = page.url
    page.get_by_label("Indirect reseller").select_option(label="No reseller (direct customers)")
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text("Wide World Importers")
    # The back button brings the Fabrikam filter back, table and form alike.
    page.go_back()
    expect(page).to_have_url(filtered_url)
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text("Margie's Travel")
    expect(page.get_by_label("Indirect reseller")).to_have_value(str(fabrikam_customer.reseller_id))
    # The URL can be shared: opened afresh it shows the same filtered table.
    page.goto(filtered_url)
    expect(table_rows(page)).to_have_count(1)
    # Sorting keeps the filter, and the focus stays on the header link.
    page.goto(f"{live_server.url}/o/contoso/customers/")
    page.get_by_role("link", name=re.compile("^Company")).click()
    expect(page).to_have_url(re.compile(r"\?sort=-company$"))
    expect(table_rows(page).first).to_contain_text("Wide World Importers")
    expect(page.locator("#sort-company")).to_be_focused()
    page.goto(filtered_url)

    # Expand the record with the down arrow, from the keyboard.
    arrow = page.get_by_role("button", name="Expand Margie's Travel")
    expect(arrow).to_have_attribute("aria-expanded", "false")
    arrow.focus()
    page.keyboard.press("Enter")
    expect(arrow).to_have_attribute("aria-expanded", "true")
    details = page.locator(f"#{arrow.get_attribute('aria-controls')}")
    expect(details).to_be_visible()
    expect(details).to_contain_text("Fabrikam Solutions")
    details.get_by_role("link", name="Add subscription").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New subscription")
    expect(page.get_by_label("Indirect reseller")).to_have_value(
        str(fabrikam_customer.reseller_id))  # the customer's reseller, preselected
    box = page.get_by_label("Microsoft 365 Business Standard", exact=True)
    box.check()
    licenses = page.locator("tr", has=box).get_by_label("Licenses")
    licenses.fill("301")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Enter 300 or fewer licenses")).to_be_visible()
    licenses = page.locator("tr", has=page.get_by_label(
        "Microsoft 365 Business Standard", exact=True)).get_by_label("Licenses")
    licenses.fill("3")
    page.get_by_label("Indirect reseller").select_option(label="Fabrikam Solutions")
    page.get_by_role("button", name="Submit").click()

    # The customer's Subscriptions list, with Fabrikam as reseller of record.
    expect(page.get_by_role("heading", level=1)).to_have_text("Margie's Travel")
    expect(page.get_by_role("link", name="Subscriptions", exact=True)).to_have_attribute(
        "aria-current", "page")
    row = page.get_by_role("row", name=re.compile("Microsoft 365 Business Standard"))
    expect(row).to_contain_text("Fabrikam Solutions")
    expect(row.get_by_role("cell").nth(1)).to_have_text("3")
    subscription = Subscription.objects.get(customer=fabrikam_customer)
    assert subscription.reseller_of_record_id == fabrikam_customer.reseller_id

    # Open it: Designated support contact → Fabrikam → Submit.
    row.get_by_role("link", name="Microsoft 365 Business Standard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Microsoft 365 Business Standard")
    expect(page.locator("#subscription-support-contact")).to_have_text("Contoso Distribution")
    page.get_by_role("combobox", name="Designated support contact").select_option(
        label="Fabrikam Solutions")
    page.get_by_role("region", name="Designated support contact").get_by_role(
        "button", name="Submit").click()
    expect(page.get_by_text("Fabrikam Solutions is now the designated support contact.")
           ).to_be_visible()
    expect(page.locator("#subscription-support-contact")).to_have_text("Fabrikam Solutions")
    expect(page.locator("#subscription-history")).to_contain_text(
        "Designated support contact: Contoso Distribution → Fabrikam Solutions.")
    assert AuditEvent.objects.filter(action="subscription.support_contact_changed",
                                     target_id=str(subscription.pk)).exists()

    # ... and in the audit log.
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Audit log").first.click()
    expect(page.get_by_text("subscription.support_contact_changed").first).to_be_visible()
    assert not csp_errors, csp_errors


def test_licenses_and_upgrade_in_the_browser(live_server, page, demo, sign_in):
    """Adatum's Business Standard (bought 30 days ago in the demo data): no reduction, more
    licenses, then an upgrade that keeps the count."""
    from apps.subscriptions.models import Subscription

    standard = Subscription.objects.get(customer__domain_prefix="adatum",
                                        offer__code="m365-business-standard")
    sign_in("provider@contoso.test", demo)
    page.goto(f"{live_server.url}/o/contoso/customers/{standard.customer_id}/subscriptions/"
              f"{standard.pk}/")
    expect(page.locator("#reduction-window")).to_contain_text("can no longer be removed")
    page.get_by_role("spinbutton", name="Licenses").fill("20")
    page.get_by_role("button", name="Change licenses").click()
    expect(page.get_by_text("Licenses can be removed only within 7 days")).to_be_visible()
    expect(page.locator("#subscription-licenses")).to_have_text("25")
    page.get_by_role("spinbutton", name="Licenses").fill("30")
    page.get_by_role("button", name="Change licenses").click()
    expect(page.locator("#subscription-licenses")).to_have_text("30")
    page.get_by_role("combobox", name="Upgrade to").select_option(
        label="Microsoft 365 Business Premium")
    page.get_by_role("button", name="Upgrade", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Microsoft 365 Business Premium")
    expect(page.locator("#subscription-licenses")).to_have_text("30")
    # A new term: the 7-day window is open again.
    expect(page.locator("#reduction-window")).to_contain_text("7 more days")


def test_the_customers_page_works_without_javascript(live_server, browser, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("provider@contoso.test")
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/o/contoso/customers/")
    # No arrow without JavaScript; the filter form submits as a plain GET.
    expect(page.get_by_role("button", name="Expand Adatum Corporation")).to_have_count(0)
    page.get_by_label("Indirect reseller").select_option(label="Northwind Traders")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"\?q=&reseller="))
    expect(table_rows(page)).to_have_count(2)
    page.get_by_role("link", name="Adatum Corporation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adatum Corporation")
    expect(page.get_by_role("link", name="Add subscription")).to_be_visible()
    context.close()

"""A reseller manages a delegated customer's subscription; the provider sees what it did."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def litware_delegated_to_fabrikam(demo):
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from apps.partnerships.services import partnership_create

    contoso = Organization.objects.get(slug="contoso")
    fabrikam = Organization.objects.get(slug="fabrikam")
    partnership_create(provider=contoso, reseller=fabrikam)
    Customer.objects.filter(domain_prefix="litware").update(reseller=fabrikam)
    return Customer.objects.get(domain_prefix="litware")


def test_fabrikam_raises_licenses_for_its_customer(live_server, page, demo, sign_in,
                                                   litware_delegated_to_fabrikam):
    litware = litware_delegated_to_fabrikam
    sign_in("reseller@fabrikam.test", demo)
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Customers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    page.get_by_role("link", name="Litware Inc.", exact=True).click()
    page.get_by_role("link", name="Exchange Online (Plan 1)").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exchange Online (Plan 1)")
    page.get_by_role("spinbutton", name="Licenses").fill("20")
    page.get_by_role("button", name="Change licenses").click()
    expect(page.locator("#subscription-licenses")).to_have_text("20")

    # Adatum is Northwind's: Fabrikam does not find it.
    from apps.customers.models import Customer

    adatum = Customer.objects.get(domain_prefix="adatum")
    response = page.goto(f"{live_server.url}/o/fabrikam/customers/{adatum.pk}/")
    assert response.status == 404

    # Contoso sees the change in its Orders page and its audit log, made by Fabrikam's admin.
    page.context.clear_cookies()
    sign_in("provider@contoso.test", demo)
    page.goto(f"{live_server.url}/o/contoso/orders/")
    expect(page.get_by_role("cell", name=litware.organization.name).first).to_be_visible()
    expect(page.get_by_text("reseller@fabrikam.test").first).to_be_visible()
    page.goto(f"{live_server.url}/o/contoso/audit/")
    expect(page.get_by_text("reseller@fabrikam.test").first).to_be_visible()

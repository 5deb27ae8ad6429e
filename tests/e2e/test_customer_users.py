"""A customer locked out gets a new temporary password from its provider or its delegated
reseller (the customer's Users page), signs in with it and must change it; another provider
and an undelegated reseller cannot even see the page."""

import re

import pytest
from playwright.sync_api import expect

from apps.customers.models import Customer

pytestmark = pytest.mark.e2e

ADATUM_ADMIN = "admin@adatum.onpartnercenter.test"


def reset_adatum_admin(page, live_server, org_slug):
    """From the Customers page: Adatum → Users → Reset password → confirm → Setup info."""
    page.goto(f"{live_server.url}/o/{org_slug}/customers/")
    page.get_by_role("link", name="Adatum Corporation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adatum Corporation")
    page.get_by_role("link", name="Users", exact=True).click()
    row = page.get_by_role("row", name=re.compile(re.escape(ADATUM_ADMIN)))
    expect(row).to_contain_text("Admin")
    row.get_by_role("link", name="Reset password").click()
    expect(page.get_by_role("heading", name=f"Reset the password of {ADATUM_ADMIN}?"))\
        .to_be_visible()
    page.get_by_role("button", name="Reset password").click()
    expect(page.get_by_role("heading", name="Setup info")).to_be_visible()
    expect(page.get_by_text("You won't be able to see this password again")).to_be_visible()
    assert page.get_by_label("User name").input_value() == ADATUM_ADMIN
    password = page.get_by_label("Temporary password").input_value()
    assert len(password) >= 16
    assert password not in page.url
    page.reload()
    expect(page.get_by_text("already shown")).to_be_visible()
    expect(page.get_by_label("Temporary password")).to_have_count(0)
    return password


def signs_in_and_must_change(page, sign_in, old_password, password, new_password):
    page.context.clear_cookies()
    sign_in(ADATUM_ADMIN, old_password)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Dashboard")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(ADATUM_ADMIN, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    page.get_by_label(re.compile(r"^New password(?! confirmation)")).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page).to_have_url(re.compile(r"/o/adatum/$"))


def test_a_provider_resets_the_customer_admins_password(live_server, page, demo, sign_in):
    sign_in("provider@contoso.test", demo)
    password = reset_adatum_admin(page, live_server, "contoso")
    signs_in_and_must_change(page, sign_in, demo, password, "Adatum-owns-this-2026")


def test_a_reseller_resets_its_delegated_customers_admin_password(live_server, page, demo,
                                                                  sign_in):
    sign_in("reseller@northwind.test", demo)
    password = reset_adatum_admin(page, live_server, "northwind")
    signs_in_and_must_change(page, sign_in, demo, password, "Adatum-owns-this-2026")


def test_another_provider_and_an_undelegated_reseller_get_not_found(live_server, page, demo,
                                                                    sign_in):
    adatum = Customer.objects.get(domain_prefix="adatum")
    for email, slug in (("provider@tailspin.test", "tailspin"),
                        ("reseller@fabrikam.test", "fabrikam")):
        page.context.clear_cookies()
        sign_in(email, demo)
        for path in ("", "new/"):
            response = page.goto(f"{live_server.url}/o/{slug}/customers/{adatum.pk}/users/{path}")
            assert response.status == 404
            expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

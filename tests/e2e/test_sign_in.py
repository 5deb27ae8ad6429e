"""The first thing a newcomer does: sign in as the demo provider and find the Dashboard menu."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_demo_provider_signs_in_and_sees_the_dashboard_menu(live_server, page, demo, sign_in):
    external = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith((live_server.url, "data:")) else None)
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)

    sign_in("provider@contoso.test", demo)
    expect(page).to_have_url(re.compile(r"/o/contoso/$"))
    expect(page).to_have_title("Dashboard · Contoso Distribution · Partner Center")

    menu = page.get_by_role("button", name="Dashboard")
    menu.click()
    dropdown = page.get_by_role("navigation", name="Dashboard")
    expect(dropdown.get_by_role("link", name="Indirect resellers").first).to_be_visible()
    expect(dropdown.get_by_role("link", name="Customers").first).to_be_visible()

    dropdown.get_by_role("link", name="Indirect resellers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirect resellers")
    expect(page.get_by_role("cell", name="Northwind Traders", exact=True)).to_be_visible()

    assert not external, f"requests to other hosts: {external}"
    assert not csp_errors, csp_errors


def test_keyboard_user_opens_the_dashboard_menu(live_server, page, demo, sign_in):
    sign_in("provider@contoso.test", demo)
    page.get_by_role("button", name="Dashboard").focus()
    page.keyboard.press("Enter")
    item = page.get_by_role("link", name="Customers").first
    expect(item).to_be_visible()
    item.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    expect(page.get_by_role("cell", name="Adatum Corporation", exact=True)).to_be_visible()


def test_other_provider_gets_not_found_for_contoso(live_server, page, demo, sign_in):
    sign_in("provider@tailspin.test", demo)
    response = page.goto(f"{live_server.url}/o/contoso/customers/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

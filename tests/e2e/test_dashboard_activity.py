"""The provider's dashboard tells what its partners did, in words, in both languages."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _context(browser, locale="en-US"):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _sign_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_the_provider_reads_the_resellers_acceptance(live_server, browser, demo):
    from apps.accounts.models import User
    from apps.organizations.models import Organization
    from apps.partnerships.services import invitation_create
    from apps.partnerships.tokens import invitation_link

    contoso = Organization.objects.get(slug="contoso")
    invitation = invitation_create(provider=contoso, email="reseller@fabrikam.test",
                                   created_by=User.objects.get(email="provider@contoso.test"))
    path = invitation_link(invitation).split("127.0.0.1:8000", 1)[1]

    # The provider is signed in, in one browser; the dashboard lists the request waiting.
    provider, provider_page = _context(browser)
    _sign_in(provider_page, live_server, "provider@contoso.test", demo)
    provider_page.goto(f"{live_server.url}/o/contoso/")
    waiting = provider_page.get_by_test_id("pending-invitations")
    expect(waiting).to_contain_text("reseller@fabrikam.test")

    # The reseller accepts in another.
    reseller, reseller_page = _context(browser)
    _sign_in(reseller_page, live_server, "reseller@fabrikam.test", demo)
    reseller_page.goto(live_server.url + path)
    reseller_page.get_by_role("button", name="Accept").click()
    expect(reseller_page.get_by_role("heading", level=1)).to_have_text("Providers")
    reseller.close()

    provider_page.reload()
    activity = provider_page.get_by_test_id("recent-activity")
    first = activity.get_by_role("listitem").first
    expect(first).to_contain_text("Fabrikam Solutions accepted your partnership request")
    expect(first).to_contain_text("reseller@fabrikam.test")  # who acted
    expect(first.get_by_role("link", name="Fabrikam Solutions")).to_have_attribute(
        "href", "/o/contoso/resellers/")
    expect(provider_page.get_by_role("link", name="Full audit log")).to_be_visible()

    # In 简体中文 (the language switch of the top bar).
    provider_page.locator("#language-menu").click()
    provider_page.locator("button[name=language][value=zh-hans]").click()
    expect(provider_page.locator("html")).to_have_attribute("lang", "zh-Hans")
    activity = provider_page.get_by_test_id("recent-activity")
    expect(activity.get_by_role("listitem").first).to_contain_text(
        "Fabrikam Solutions 接受了你的合作关系请求")
    expect(provider_page.get_by_role("heading", name="最近活动")).to_be_visible()
    expect(provider_page.get_by_role("link", name="完整审核日志")).to_be_visible()
    provider.close()

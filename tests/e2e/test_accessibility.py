"""Every main page passes axe-core's WCAG 2 A and AA rules (axe-core 4.14.1, vendored),
in English and in 简体中文 (a Chinese browser; its first sign-in saves the language)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()
RULES = "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations" \
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target).join(', ')}`)"

PUBLIC = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
          "/directory/", "/resellers/enrol/"]
BY_USER = {
    "provider@contoso.test": [
        "/o/contoso/", "/o/contoso/resellers/", "/o/contoso/resellers/invitations/",
        "/o/contoso/resellers/request/", "/o/contoso/customers/", "/o/contoso/customers/new/",
        "/o/contoso/orders/", "/o/contoso/support/", "/o/contoso/team/", "/o/contoso/audit/",
        "/o/contoso/profile/"],
    "reseller@northwind.test": [
        "/o/northwind/", "/o/northwind/providers/", "/o/northwind/customers/",
        "/o/northwind/incentives/", "/o/northwind/support/"],
    "admin@adatum.onpartnercenter.test": [
        "/o/adatum/", "/o/adatum/subscriptions/", "/o/adatum/partners/", "/o/adatum/support/",
        "/o/adatum/support/new/", "/o/adatum/team/", "/o/adatum/users/",
        "/o/adatum/users/new/"],
}


# The browser's language, the sign-in form's labels in it, and the pages' lang attribute.
LOCALES = {
    "en-US": ("Email", "Password", "Sign In", "en"),
    "zh-CN": ("电子邮件", "密码", "登录", "zh-Hans"),
}


@pytest.fixture
def axe_page(browser, locale):
    # The CSP would refuse the injected checker; the pages themselves are unchanged.
    context = browser.new_context(bypass_csp=True, locale=locale)
    yield context.new_page()
    context.close()


def violations(page, url, lang):
    page.goto(url)
    page.add_script_tag(content=AXE)
    found = [f"{url}: {v}" for v in page.evaluate(RULES)]
    if page.evaluate("document.documentElement.lang") != lang:
        found.append(f"{url}: lang is not {lang}")
    return found


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_pages_meet_wcag_2_aa(live_server, axe_page, demo, locale):
    email_label, password_label, sign_in, lang = LOCALES[locale]
    from apps.subscriptions.models import Subscription

    subscription = Subscription.objects.filter(customer__domain_prefix="adatum").first()
    customer = f"customers/{subscription.customer_id}/"
    one = f"{customer}subscriptions/{subscription.pk}/"
    pages = {email: list(paths) for email, paths in BY_USER.items()}
    pages["provider@contoso.test"] += [f"/o/contoso/{customer}", f"/o/contoso/{customer}"
                                       "subscriptions/", f"/o/contoso/{one}",
                                       f"/o/contoso/{customer}subscriptions/new/",
                                       f"/o/contoso/{one}cancel/"]
    pages["reseller@northwind.test"] += [f"/o/northwind/{customer}", f"/o/northwind/{one}",
                                         f"/o/northwind/{customer}users/"]
    pages["provider@contoso.test"] += [f"/o/contoso/{customer}users/"]
    found = [v for path in PUBLIC for v in violations(axe_page, live_server.url + path, lang)]
    for email, paths in pages.items():
        axe_page.context.clear_cookies()
        axe_page.goto(f"{live_server.url}/accounts/login/")
        axe_page.get_by_label(email_label).fill(email)
        axe_page.get_by_label(password_label).fill(demo)
        axe_page.get_by_role("button", name=sign_in).click()
        axe_page.wait_for_load_state()
        found += [v for path in paths
                  for v in violations(axe_page, live_server.url + path, lang)]
    assert not found, "\n".join(found)

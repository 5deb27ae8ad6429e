"""Reseller analytics in a real browser: Contoso opens it from the Dashboard menu, changes
the period, and reads in a chart's table the count the orders give; the page and the
reseller's Analytics pass axe-core (WCAG 2 A and AA) in English and in 简体中文."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()
RULES = "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations" \
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target).join(', ')}`)"
# Days ago of Northwind's orders: some in the last 30 days, more within 90, one older.
DAYS_AGO = [1, 4, 9, 17, 26, 33, 41, 58, 66, 79, 88, 120]


@pytest.fixture
def sold(demo):
    """Contoso's orders through Northwind (one per offer and day), counted again by
    `rebuild_analytics` as after a restore."""
    from django.core.management import call_command
    from django.utils import timezone

    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.orders.models import Order, OrderLine

    adatum = Customer.objects.get(domain_prefix="adatum")
    offers = list(Offer.objects.filter(is_active=True).order_by("code"))
    now = timezone.now()
    for n, days in enumerate(DAYS_AGO):
        when = now - timedelta(days=days)
        order = Order.objects.create(
            provider=adatum.provider, customer=adatum, reseller=adatum.reseller,
            kind="new_subscription", status="completed", idempotency_key=uuid.uuid4(),
            submitted_at=when, completed_at=when)
        for offer in offers[n % 3: n % 3 + 1 + n % 2]:
            OrderLine.objects.create(order=order, offer=offer, quantity=3 + n,
                                     unit_price=offer.unit_price, currency=offer.currency,
                                     reseller_of_record=adatum.reseller)
    call_command("rebuild_analytics", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return adatum.reseller


def northwind_sales(since_days):
    """New subscriptions credited to Northwind in the last `since_days` days (today
    included): counted from the orders."""
    from django.utils import timezone

    from apps.orders.models import OrderLine

    first = timezone.localdate() - timedelta(days=since_days - 1)
    return OrderLine.objects.filter(
        order__provider__slug="contoso", order__status="completed", action="purchase",
        reseller_of_record__slug="northwind", order__completed_at__date__gte=first).count()


def test_provider_changes_the_period_and_reads_the_orders_count(live_server, page, sign_in,
                                                                 demo, sold):
    sign_in("provider@contoso.test", demo)
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("link", name="Reseller analytics").click()
    expect(page.get_by_role("heading", name="Reseller analytics", level=1)).to_be_visible()

    page.get_by_role("combobox", name="Period").select_option("90d")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"[?&]period=90d"))
    widget = page.locator("#widget-top-resellers")
    expect(widget.get_by_role("img", name="Top resellers by subscriptions sold")).to_be_visible()
    widget.get_by_text("Show as table").click()
    row = widget.get_by_role("row", name="Northwind Traders")
    expect(row.get_by_role("cell")).to_have_text(str(northwind_sales(90)))
    assert northwind_sales(90) > northwind_sales(30) > 0

    # The churn chart's table: today's new subscriptions, by date, in the viewer's format.
    page.keyboard.press("Tab")
    page.screenshot(path="/tmp/reseller-analytics.png", full_page=True)


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("zh-CN", "zh-Hans")])
def test_analytics_pages_meet_wcag_2_aa(live_server, browser, demo, sold, locale, lang):
    context = browser.new_context(bypass_csp=True, locale=locale)  # axe is injected
    page = context.new_page()
    found = []
    for email, path in (("provider@contoso.test", "/o/contoso/analytics/?period=365d"),
                        ("reseller@northwind.test", "/o/northwind/analytics/?period=90d")):
        context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(demo)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.goto(live_server.url + path)
        # Open every "Show as table": the tables are checked too.
        for summary in page.locator("details > summary").all():
            summary.click()
        page.add_script_tag(content=AXE)
        found += [f"{path}: {v}" for v in page.evaluate(RULES)]
        assert page.evaluate("document.documentElement.lang") == lang
        page.screenshot(path=f"/tmp/analytics-{email.split('@')[0]}-{lang}.png",
                        full_page=True)
    context.close()
    assert not found, "\n".join(found)

"""The subscription lifecycle in a real browser, with a fixed today: a subscription bought on
9 March 2026 is cancelled on day 2 (10 March) and refused on day 8 (16 March) with the
reason and the way out (turning auto-renew off); the New subscription page's running total."""

import datetime
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PURCHASED = datetime.date(2026, 3, 9)


@pytest.fixture
def bought_on_9_march(demo):
    """Two Exchange Online subscriptions of Adatum, both bought on 9 March 2026."""
    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.subscriptions.models import Subscription

    adatum = Customer.objects.get(domain_prefix="adatum")
    offer = Offer.objects.get(code="exchange-online-plan-1")
    end = datetime.date(2027, 3, 9)
    return [Subscription.objects.create(
        customer=adatum, provider=adatum.provider, customer_name=adatum.name, offer=offer,
        quantity=quantity,
        term_start=PURCHASED, term_end=end,
        reseller_of_record=adatum.reseller, support_contact=adatum.provider)
        for quantity in (4, 6)]


def test_cancelled_on_day_2_refused_on_day_8(live_server, page, demo, sign_in, fixed_today,
                                              bought_on_9_march):
    from apps.orders.models import OrderLine
    from apps.subscriptions.models import Subscription

    first, second = bought_on_9_march
    base = f"{live_server.url}/o/contoso/customers/{first.customer_id}/subscriptions/"
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in("provider@contoso.test", demo)

    # Day 2: the page says until when; the confirmation page says what happens.
    fixed_today(datetime.date(2026, 3, 10))
    page.goto(f"{base}{first.pk}/")
    expect(page.locator("#cancellation-window")).to_contain_text(
        "can be cancelled until Mar 15, 2026")
    page.get_by_role("link", name="Cancel subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cancel Exchange Online (Plan 1) of Adatum Corporation?")
    expect(page.get_by_text("its 4 licenses are freed")).to_be_visible()
    page.get_by_role("button", name="Cancel subscription").click()
    expect(page.get_by_text("The subscription is cancelled: its 4 licenses are freed.")
           ).to_be_visible()
    expect(page.locator("#subscription-status")).to_have_text("Cancelled")
    expect(page.locator("#subscription-cancelled-on")).to_have_text("Mar 10, 2026")
    expect(page.locator("#subscription-history")).to_contain_text(
        "Cancelled: 4 licenses freed.")
    first.refresh_from_db()
    assert first.status == Subscription.Status.CANCELLED
    assert first.cancelled_on == datetime.date(2026, 3, 10)
    assert OrderLine.objects.get(subscription=first, action="cancel").order.status == "completed"

    # Day 8: refused, with the reason, and auto-renew can be turned off instead.
    fixed_today(datetime.date(2026, 3, 16))
    page.goto(f"{base}{second.pk}/")
    expect(page.locator("#cancellation-window")).to_contain_text(
        "A subscription can be cancelled only within 7 days of the purchase or the last "
        "renewal (Mar 9, 2026); that window closed on Mar 16, 2026.")
    expect(page.get_by_role("link", name="Cancel subscription")).to_have_count(0)
    page.goto(f"{base}{second.pk}/cancel/")  # a bookmark, or the page left open
    expect(page.locator("#cancellation-refused")).to_contain_text(
        "Turn auto-renew off instead: the subscription then ends on Mar 9, 2027.")
    page.get_by_role("button", name="Turn auto-renew off").click()
    expect(page.locator("#subscription-renewal")).to_contain_text("Expires on Mar 9, 2027")
    second.refresh_from_db()
    assert (second.status, second.auto_renew) == (Subscription.Status.ACTIVE, False)
    assert not OrderLine.objects.filter(subscription=second, action="cancel").exists()
    assert not csp_errors, csp_errors


def test_the_running_total_before_submit(live_server, page, demo, sign_in):
    from apps.customers.models import Customer

    adatum = Customer.objects.get(domain_prefix="adatum")
    sign_in("provider@contoso.test", demo)
    page.goto(f"{live_server.url}/o/contoso/customers/{adatum.pk}/subscriptions/new/")
    total = page.locator("#offers-total")
    expect(total).to_contain_text("Tick a subscription")
    # Typing licenses ticks the offer; a click anywhere on a row ticks its offer too.
    row = page.locator("tr.offer-row", has=page.get_by_label("Microsoft 365 Business Basic",
                                                            exact=True))
    row.get_by_label("Licenses").fill("10")
    expect(page.get_by_label("Microsoft 365 Business Basic", exact=True)).to_be_checked()
    expect(total).to_have_text(re.compile(r"^Order total: [\d,.]+ USD for 10 licenses\.$"))
    teams = page.locator("tr.offer-row", has=page.get_by_label("Microsoft Teams Essentials",
                                                              exact=True))
    teams.click()  # the middle of the row: its billing and price, not the checkbox
    expect(page.get_by_label("Microsoft Teams Essentials", exact=True)).to_be_checked()
    teams.get_by_label("Licenses").fill("5")
    expect(total).to_contain_text("for 15 licenses")

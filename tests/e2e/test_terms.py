"""Terms that run, in a real browser with a fixed today: a subscription with auto-renew off
says "Expires on" and, once the term engine has run on its term end, "Expired" and offers
no change; one with auto-renew on renews, and its licenses can be removed again (the 7-day
window reopened with the new term)."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TERM_END = datetime.date(2027, 3, 9)


@pytest.fixture
def ending_and_renewing(demo):
    """Two Exchange Online subscriptions of Adatum bought on 9 March 2026: the first with
    auto-renew off (4 licenses), the second with it on (6 licenses)."""
    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.subscriptions.models import Subscription

    adatum = Customer.objects.get(domain_prefix="adatum")
    offer = Offer.objects.get(code="exchange-online-plan-1")
    return [Subscription.objects.create(
        customer=adatum, provider=adatum.provider, customer_name=adatum.name, offer=offer,
        quantity=quantity,
        term_start=datetime.date(2026, 3, 9), term_end=TERM_END, auto_renew=auto_renew,
        reseller_of_record=adatum.reseller, support_contact=adatum.provider)
        for quantity, auto_renew in ((4, False), (6, True))]


def test_one_expires_and_one_renews_with_its_window_open_again(live_server, page, demo,
                                                               sign_in, fixed_today,
                                                               ending_and_renewing):
    from apps.subscriptions.terms import terms_run

    ending, renewing = ending_and_renewing
    base = f"{live_server.url}/o/contoso/customers/{ending.customer_id}/subscriptions/"
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in("provider@contoso.test", demo)

    fixed_today(datetime.date(2027, 3, 1))
    page.goto(f"{base}{ending.pk}/")
    expect(page.locator("#subscription-renewal")).to_have_text(
        "Expires on Mar 9, 2027 (auto-renew is off)")
    page.goto(f"{base}{renewing.pk}/")
    expect(page.locator("#subscription-renewal")).to_have_text("Renews on Mar 9, 2027")
    expect(page.locator("#reduction-window")).to_contain_text("Licenses can no longer be removed")

    # The beat runs on the term end.
    fixed_today(TERM_END)
    run = terms_run(today=TERM_END)
    assert (run.renewed, run.expired) == (1, 1)

    page.goto(f"{base}{ending.pk}/")
    expect(page.locator("#subscription-status")).to_have_text("Expired")
    expect(page.locator("#subscription-renewal")).to_have_text("Expired on Mar 9, 2027")
    expect(page.get_by_role("button", name="Change licenses")).to_have_count(0)
    expect(page.get_by_role("button", name="Turn auto-renew on")).to_have_count(0)
    expect(page.locator("#subscription-history")).to_contain_text(
        "Expired at the end of its term: 4 licenses freed.")

    # The customer's subscriptions list says so too.
    page.goto(base)
    expect(page.get_by_role("row", name="Expired on")).to_have_count(1)

    page.goto(f"{base}{renewing.pk}/")
    expect(page.locator("#subscription-renewal")).to_have_text("Renews on Mar 9, 2028")
    expect(page.locator("#reduction-window")).to_contain_text(
        "Licenses can be removed for 7 more days, until Mar 15, 2027")
    page.get_by_role("spinbutton", name="Licenses").fill("2")
    page.get_by_role("button", name="Change licenses").click()
    expect(page.locator("#subscription-licenses")).to_have_text("2")
    expect(page.locator("#subscription-history")).to_contain_text("Renewed: a new term from")
    renewing.refresh_from_db()
    assert (renewing.quantity, renewing.term_start) == (2, TERM_END)
    assert not csp_errors, csp_errors

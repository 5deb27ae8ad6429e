"""A customer asks for help; the designated support contact answers, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def fabrikam_supports_adatum(demo):
    """Contoso partners with Fabrikam and makes it the support contact of one subscription."""
    from apps.organizations.models import Organization
    from apps.partnerships.services import partnership_create
    from apps.subscriptions.models import Subscription

    contoso = Organization.objects.get(slug="contoso")
    fabrikam = Organization.objects.get(slug="fabrikam")
    partnership_create(provider=contoso, reseller=fabrikam)
    subscription = Subscription.objects.get(customer__organization__slug="adatum",
                                            offer__code="teams-essentials")
    subscription.support_contact = fabrikam
    subscription.save(update_fields=["support_contact"])
    return subscription


def test_request_goes_to_fabrikam_and_its_reply_comes_back(live_server, page, demo, sign_in,
                                                           fabrikam_supports_adatum):
    sign_in("admin@adatum.onpartnercenter.test", demo)
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Support", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support")
    expect(page.get_by_text("No support requests yet.")).to_be_visible()
    page.get_by_role("link", name="Open a support request").click()
    page.get_by_label("Subscription").select_option(label="Microsoft Teams Essentials x 10")
    page.get_by_label("Title").fill("Teams calls drop after a minute")
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("Description").fill("Every call ends after about sixty seconds.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Your request went to Fabrikam Solutions.")).to_be_visible()

    # Northwind, Adatum's reseller, does not see it: it is not the designated contact.
    page.context.clear_cookies()
    sign_in("reseller@northwind.test", demo)
    page.goto(f"{live_server.url}/o/northwind/support/")
    expect(page.get_by_text("The queue is empty.")).to_be_visible()

    page.context.clear_cookies()
    sign_in("reseller@fabrikam.test", demo)
    page.goto(f"{live_server.url}/o/fabrikam/support/")
    page.get_by_role("link", name="Teams calls drop after a minute").click()
    expect(page.get_by_text("Every call ends after about sixty seconds.")).to_be_visible()
    page.get_by_label("Reply").fill("A policy limits call length; we removed it.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    page.get_by_label("Status").select_option("resolved")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status changed.")).to_be_visible()

    page.context.clear_cookies()
    sign_in("admin@adatum.onpartnercenter.test", demo)
    page.goto(f"{live_server.url}/o/adatum/support/")
    page.get_by_role("link", name="Teams calls drop after a minute").click()
    expect(page.get_by_text("A policy limits call length; we removed it.")).to_be_visible()
    expect(page.get_by_text("Status changed to Resolved.")).to_be_visible()

# ruff: noqa: F811
"""The source document's flows walked through the API, and the same walk in the browser:
Contoso requests a partnership with Fabrikam, Fabrikam's admin accepts it (in the browser,
through the personalized link, both times), Contoso creates a customer for Fabrikam, adds
a subscription with Fabrikam as reseller of record and makes Fabrikam its designated
support contact; the month closes and Contoso marks its invoice to Fabrikam paid. Both
walks must leave the same rows (`walk_rows`, equal to WALK_ROWS)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

# The browser tests' Chromium, page timeouts, demo data and sign-in (tests/e2e/conftest.py),
# imported as this module's fixtures: the tests below take them by name (F811).
from tests.e2e.conftest import browser_type_launch_args, demo, page, sign_in  # noqa: F401
from tests.e2e.test_new_customer import choose, fill_details, open_wizard_from_fabrikam_row

pytestmark = pytest.mark.e2e

BASIC, STANDARD = "Microsoft 365 Business Basic", "Microsoft 365 Business Standard"

# What both walks leave: names instead of ids, states instead of times.
WALK_ROWS = {
    "partnerships": [("active", "fabrikam")],
    "invitations": [("accepted", "fabrikam", False)],
    "customer": ("Margie's Travel", "margiestravel", "active", "fabrikam", "Margie", "Shoop",
                 "margie@margiestravel.example", "Redmond", "1 Microsoft Way", "en"),
    "orders": [
        ("new_customer", "completed", "fabrikam", ((BASIC, "purchase", 5),)),
        ("new_subscription", "completed", "fabrikam", ((STANDARD, "purchase", 3),)),
    ],
    "subscriptions": [(BASIC, 5, "active", "fabrikam", "contoso"),
                      (STANDARD, 3, "active", "fabrikam", "fabrikam")],
    "handover_revealed": True,
    # The month closed: Contoso's invoice to Fabrikam, paid; Fabrikam's draft statement.
    "invoices": [("invoice", "paid", "Fabrikam Solutions"),
                 ("statement", "draft", "Margie's Travel")],
}
# The audit events of the walk, in both organizations' logs (the request's own, created and
# sent, differ by channel: the page's Send against the API's Resend).
WALK_EVENTS = ["customer.created", "customer.delegated", "order.completed", "order.completed",
               "order.setup_info_shown", "order.submitted", "order.submitted",
               "partnership.accepted", "partnership.accepted", "subscription.purchased",
               "subscription.purchased", "subscription.support_contact_changed"]


def walk_rows():
    from django.db.models import Q

    from apps.billing.models import Invoice
    from apps.customers.models import Customer
    from apps.orders.models import CredentialHandover, Order
    from apps.partnerships.models import Partnership, PartnershipInvitation
    from apps.subscriptions.models import Subscription

    customer = Customer.objects.select_related("organization", "reseller").get(
        domain_prefix="margiestravel")

    def slug(organization):
        return organization.slug if organization is not None else None

    orders = Order.objects.filter(customer=customer).select_related("reseller")
    return {
        "partnerships": [(p.status, p.reseller.slug) for p in Partnership.objects.filter(
            provider__slug="contoso", reseller__slug="fabrikam")],
        "invitations": [(i.status, slug(i.reseller), i.forwarded)
                        for i in PartnershipInvitation.objects.filter(
                            provider__slug="contoso", email="reseller@fabrikam.test")],
        "customer": (customer.name, customer.domain_prefix, customer.status,
                     slug(customer.reseller), customer.contact_first_name,
                     customer.contact_last_name, customer.contact_email, customer.city,
                     customer.street, customer.language),
        "orders": sorted((o.kind, o.status, slug(o.reseller),
                          tuple(sorted((line.offer.name, line.action, line.quantity)
                                       for line in o.lines.all()))) for o in orders),
        "subscriptions": sorted(
            (s.offer.name, s.quantity, s.status, slug(s.reseller_of_record),
             slug(s.support_contact))
            for s in Subscription.objects.filter(customer=customer).select_related(
                "offer", "reseller_of_record", "support_contact")),
        "handover_revealed": CredentialHandover.objects.get(
            order__customer=customer).revealed_at is not None,
        "invoices": sorted((i.kind, i.status, i.recipient_name) for i in Invoice.objects.filter(
            Q(issuer__slug="contoso", recipient__slug="fabrikam")
            | Q(issuer__slug="fabrikam", recipient=customer.organization))),
    }


def walk_events(since):
    from apps.audit.models import AuditEvent

    actions = AuditEvent.objects.filter(
        at__gte=since, organization__slug__in=["contoso", "fabrikam"],
        action__regex=r"^(partnership|customer|order|subscription)\.").exclude(
        action__startswith="partnership.request_c").exclude(
        action__regex=r"^partnership\.request_(sent|resent)$").values_list("action", flat=True)
    return sorted(actions)


def close_the_month():
    """Close this month now (the beat task does it on the 1st); its YYYY-MM."""
    from django.utils import timezone

    from apps.billing.services import month_close

    today = timezone.localdate()
    month_close(month=today, today=today)
    return f"{today:%Y-%m}"


def accept_in_the_browser(live_server, page, link, password):
    """Fabrikam's admin opens the personalized link, signs in and accepts."""
    page.context.clear_cookies()
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("reseller@fabrikam.test")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")


def test_the_walk_through_the_api(live_server, page, demo):
    from django.utils import timezone
    from rest_framework.test import APIClient

    from apps.catalog.models import Offer
    from apps.organizations.models import Organization
    from tests.api.conftest import make_key

    start = timezone.now()

    contoso = Organization.objects.get(slug="contoso")
    fabrikam = Organization.objects.get(slug="fabrikam")
    admin = contoso.memberships.get(user__email="provider@contoso.test").user
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {make_key(admin, contoso)[1]}")
    offers = {offer.name: str(offer.pk) for offer in Offer.objects.all()}

    # Request the partnership: the link and the draft come back; Resend sends it.
    invitation = api.post("/api/v1/partnership-invitations/",
                          {"email": "reseller@fabrikam.test", "name": "Frida"}, format="json",
                          HTTP_IDEMPOTENCY_KEY="walk-invite").json()
    assert invitation["link"] in invitation["message"]
    assert api.post(f"/api/v1/partnership-invitations/{invitation['id']}/resend/"
                    ).status_code == 200
    accept_in_the_browser(live_server, page, invitation["link"], demo)
    partners = api.get("/api/v1/partners/?q=Fabrikam").json()["results"]
    assert [p["reseller"]["id"] for p in partners] == [str(fabrikam.pk)]

    # A customer for Fabrikam, and its admin's temporary password, once.
    order = api.post("/api/v1/customers/", {
        "reseller": str(fabrikam.pk), "company_name": "Margie's Travel",
        "domain_prefix": "margiestravel", "contact_first_name": "Margie",
        "contact_last_name": "Shoop", "contact_email": "margie@margiestravel.example",
        "contact_phone": "+1 425 555 0100", "country": "US", "city": "Redmond",
        "postal_code": "98052", "street": "1 Microsoft Way", "language": "en",
        "subscriptions": [{"offer": offers[BASIC], "licenses": 5}]},
        format="json", HTTP_IDEMPOTENCY_KEY="walk-customer").json()
    assert api.get(f"/api/v1/orders/{order['id']}/").json()["status"] == "completed"
    setup = api.post(f"/api/v1/orders/{order['id']}/setup-info/reveal/")
    assert setup.json()["username"] == "admin@margiestravel.onpartnercenter.test"
    assert api.post(f"/api/v1/orders/{order['id']}/setup-info/reveal/").status_code == 409
    customers = api.get("/api/v1/customers/?q=margiestravel").json()["results"]
    customer_id = customers[0]["id"]

    # Add subscription, Fabrikam credited; then Fabrikam becomes its support contact.
    added = api.post(f"/api/v1/customers/{customer_id}/subscriptions/",
                     {"reseller": str(fabrikam.pk),
                      "subscriptions": [{"offer": offers[STANDARD], "licenses": 3}]},
                     format="json", HTTP_IDEMPOTENCY_KEY="walk-add")
    assert added.status_code == 201, added.json()
    listed = api.get(f"/api/v1/customers/{customer_id}/subscriptions/").json()["results"]
    standard = next(s for s in listed if s["offer"]["name"] == STANDARD)
    changed = api.post(f"/api/v1/customers/{customer_id}/subscriptions/{standard['id']}/"
                       "support-contact/", {"support_contact": str(fabrikam.pk)},
                       format="json")
    assert changed.json()["support_contact"]["name"] == "Fabrikam Solutions"

    # The month closes; Contoso reads Fabrikam's invoice, its charges, and marks it paid.
    month = close_the_month()
    invoices = api.get(f"/api/v1/invoices/?month={month}&status=issued").json()["results"]
    invoice = next(i for i in invoices if i["recipient"]["id"] == str(fabrikam.pk))
    detail = api.get(f"/api/v1/invoices/{invoice['id']}/").json()
    charges = api.get(f"/api/v1/charges/?month={month}&customer={customer_id}").json()
    assert sum(Decimal(c["amount"]) for c in charges["results"]) == Decimal(detail["subtotal"])
    assert sum(Decimal(line["amount"]) for line in detail["lines"]) == Decimal(
        detail["subtotal"])
    assert api.get(f"/api/v1/invoices/{invoice['id']}/pdf/").content[:4] == b"%PDF"
    assert f"total,{detail['total']}," in api.get(
        f"/api/v1/invoices/{invoice['id']}/csv/").content.decode("utf-8-sig")
    paid = api.post(f"/api/v1/invoices/{invoice['id']}/mark-paid/", {}, format="json",
                    HTTP_IDEMPOTENCY_KEY="walk-paid")
    assert paid.json()["status"] == "paid"

    assert walk_rows() == WALK_ROWS
    assert walk_events(start) == WALK_EVENTS, " ".join(walk_events(start))
    # What the key did is audited as the key's.
    from apps.audit.models import AuditEvent
    changed = AuditEvent.objects.get(action="subscription.support_contact_changed",
                                     organization=contoso)
    assert changed.data["api_key_name"] == "CRM sync"


def test_the_same_walk_in_the_browser(live_server, page, demo, sign_in):
    from django.utils import timezone

    from apps.customers.models import Customer

    start = timezone.now()
    sign_in("provider@contoso.test", demo)
    page.goto(f"{live_server.url}/o/contoso/resellers/")
    page.get_by_role("link", name="Request a partnership").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reseller's email").fill("reseller@fabrikam.test")
    dialog.get_by_label("Reseller's name (optional)").fill("Frida")
    dialog.get_by_role("button", name="Next: Draft email").click()
    link = dialog.locator("#personalized-link").inner_text()
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.get_by_text("The partnership request is on its way")).to_be_visible()
    accept_in_the_browser(live_server, page, link, demo)

    page.context.clear_cookies()
    sign_in("provider@contoso.test", demo)
    open_wizard_from_fabrikam_row(page)
    fill_details(page, "margiestravel")
    choose(page, BASIC, 5)
    page.get_by_role("button", name="Next: Review").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_label("Temporary password")).to_be_visible()

    customer = Customer.objects.get(domain_prefix="margiestravel")
    page.goto(f"{live_server.url}/o/contoso/customers/{customer.pk}/subscriptions/new/")
    choose(page, STANDARD, 3)
    page.get_by_label("Indirect reseller").select_option(label="Fabrikam Solutions")
    page.get_by_role("button", name="Submit").click()
    row = page.get_by_role("row", name=re.compile(STANDARD))
    row.get_by_role("link", name=STANDARD).click()
    page.get_by_role("combobox", name="Designated support contact").select_option(
        label="Fabrikam Solutions")
    page.get_by_role("region", name="Designated support contact").get_by_role(
        "button", name="Submit").click()
    expect(page.get_by_text("Fabrikam Solutions is now the designated support contact.")
           ).to_be_visible()

    # The month closes; Contoso opens Fabrikam's invoice on its Billing page: Mark paid.
    close_the_month()
    page.goto(f"{live_server.url}/o/contoso/billing/")
    page.get_by_role("row", name=re.compile("Fabrikam Solutions")).get_by_role(
        "link", name=re.compile(r"INV-\d{6}")).click()
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text(re.compile(r"INV-\d{6} is marked paid\."))).to_be_visible()

    assert walk_rows() == WALK_ROWS
    assert walk_events(start) == WALK_EVENTS, " ".join(walk_events(start))

"""The API's permission matrix: every route by who asks (anonymous, each role's key of a
provider and of a reseller, another tenant's key, a revoked and an expired key).

A new route without a row fails `test_every_api_route_has_a_row`. A row gives, per
organization kind, what each role's key gets, and what another tenant's admin key gets
(for a list, its own rows: 200; for an object of ours: 404).
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.models import ApiKey
from apps.billing.models import Invoice
from apps.customers.models import Customer
from apps.orders.models import Order
from apps.organizations.roles import Role
from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.partnerships.services import invitation_create
from apps.subscriptions.models import Subscription
from apps.support.models import SupportRequest
from apps.support.services import support_request_open
from tests import factories
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db

OK, BAD, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT = 200, 400, 401, 403, 404, 409
ROLES = ("admin", "sales", "helpdesk")


def staff(admin, sales=None, helpdesk=None):
    sales = admin if sales is None else sales
    return {"admin": admin, "sales": sales, "helpdesk": sales if helpdesk is None else helpdesk}


PUBLIC = {"api:schema", "api:docs"}  # the document and its page: anyone, no key
NOT_FOUND_ROUTE = "api:not_found"  # any other path: a problem 404 for anyone

# (route name, method) → {"provider": roles, "reseller": roles, "another": code}
# `another` is another tenant's admin key, of the kind the route exists for.
ROUTES = {
    ("api:offers", "GET"): {"provider": staff(OK), "reseller": staff(OK), "another": OK},
    ("api:customers", "GET"): {"provider": staff(OK), "reseller": staff(OK), "another": OK},
    # An empty body: allowed roles get the form's errors (400).
    ("api:customers", "POST"): {"provider": staff(BAD, BAD, FORBIDDEN),
                                "reseller": staff(NOT_FOUND), "another": BAD},
    ("api:customer", "GET"): {"provider": staff(OK), "reseller": staff(OK),
                              "another": NOT_FOUND},
    ("api:orders", "GET"): {"provider": staff(OK), "reseller": staff(NOT_FOUND),
                            "another": OK},
    ("api:order", "GET"): {"provider": staff(OK), "reseller": staff(NOT_FOUND),
                           "another": NOT_FOUND},
    # Partners and partnership requests: the provider's Indirect resellers page.
    ("api:partners", "GET"): {"provider": staff(OK), "reseller": staff(NOT_FOUND),
                              "another": OK},
    # Without "confirm": true, the page's confirmation is missing (400).
    ("api:partner_end", "POST"): {"provider": staff(BAD, FORBIDDEN),
                                  "reseller": staff(NOT_FOUND), "another": NOT_FOUND},
    ("api:invitations", "GET"): {"provider": staff(OK), "reseller": staff(NOT_FOUND),
                                 "another": OK},
    ("api:invitations", "POST"): {"provider": staff(BAD, FORBIDDEN),
                                  "reseller": staff(NOT_FOUND), "another": BAD},
    # Resend and revoke work on their own pending request: the admin's call succeeds.
    ("api:invitation_resend", "POST"): {"provider": staff(OK, FORBIDDEN),
                                        "reseller": staff(NOT_FOUND), "another": NOT_FOUND},
    ("api:invitation_revoke", "POST"): {"provider": staff(OK, FORBIDDEN),
                                        "reseller": staff(NOT_FOUND), "another": NOT_FOUND},
    # A customer's subscriptions: its provider, and its delegated reseller.
    ("api:subscriptions", "GET"): {"provider": staff(OK), "reseller": staff(OK),
                                   "another": NOT_FOUND},
    ("api:subscriptions", "POST"): {"provider": staff(BAD, BAD, FORBIDDEN),
                                    "reseller": staff(BAD, BAD, FORBIDDEN),
                                    "another": NOT_FOUND},
    ("api:subscription", "GET"): {"provider": staff(OK), "reseller": staff(OK),
                                  "another": NOT_FOUND},
    ("api:subscription_licenses", "POST"): {"provider": staff(BAD, BAD, FORBIDDEN),
                                            "reseller": staff(BAD, BAD, FORBIDDEN),
                                            "another": NOT_FOUND},
    ("api:subscription_upgrade", "POST"): {"provider": staff(BAD, BAD, FORBIDDEN),
                                           "reseller": staff(NOT_FOUND),
                                           "another": NOT_FOUND},
    # Suspend and reactivate need nothing but the call (each test's changes roll back).
    ("api:subscription_suspend", "POST"): {"provider": staff(OK, OK, FORBIDDEN),
                                           "reseller": staff(NOT_FOUND),
                                           "another": NOT_FOUND},
    ("api:subscription_reactivate", "POST"): {"provider": staff(OK, OK, FORBIDDEN),
                                              "reseller": staff(NOT_FOUND),
                                              "another": NOT_FOUND},
    ("api:subscription_auto_renew", "POST"): {"provider": staff(BAD, BAD, FORBIDDEN),
                                              "reseller": staff(BAD, BAD, FORBIDDEN),
                                              "another": NOT_FOUND},
    ("api:subscription_support_contact", "POST"): {"provider": staff(BAD, BAD, FORBIDDEN),
                                                   "reseller": staff(NOT_FOUND),
                                                   "another": NOT_FOUND},
    # An empty body asks for no reseller of record, which it already has: 400.
    ("api:subscription_reseller_of_record", "POST"): {
        "provider": staff(BAD, BAD, FORBIDDEN), "reseller": staff(NOT_FOUND),
        "another": NOT_FOUND},
    # A completed order without a password to show: 409 with the page's message.
    ("api:order_setup_info_reveal", "POST"): {"provider": staff(CONFLICT),
                                              "reseller": staff(NOT_FOUND),
                                              "another": NOT_FOUND},
    # Support: each sees the requests it handles; the world's one is handled by the
    # reseller (Adatum's delegated reseller), so the provider's keys get 404 for it.
    ("api:support_requests", "GET"): {"provider": staff(OK), "reseller": staff(OK),
                                      "another": OK},
    ("api:support_request", "GET"): {"provider": staff(NOT_FOUND), "reseller": staff(OK),
                                     "another": NOT_FOUND},
    ("api:support_request_reply", "POST"): {"provider": staff(NOT_FOUND),
                                            "reseller": staff(BAD), "another": NOT_FOUND},
    ("api:support_request_status", "POST"): {"provider": staff(NOT_FOUND),
                                             "reseller": staff(BAD), "another": NOT_FOUND},
    ("api:audit_events", "GET"): {"provider": staff(OK, FORBIDDEN),
                                  "reseller": staff(OK, FORBIDDEN), "another": OK},
    ("api:providers", "GET"): {"provider": staff(NOT_FOUND), "reseller": staff(OK),
                               "another": OK},
    ("api:incentives", "GET"): {"provider": staff(NOT_FOUND), "reseller": staff(OK),
                                "another": OK},
    # Billing: Contoso's invoice to Northwind, for both; helpdesk agents see no billing.
    ("api:invoices", "GET"): {"provider": staff(OK, OK, FORBIDDEN),
                              "reseller": staff(OK, OK, FORBIDDEN), "another": OK},
    ("api:invoice", "GET"): {"provider": staff(OK, OK, FORBIDDEN),
                             "reseller": staff(OK, OK, FORBIDDEN), "another": NOT_FOUND},
    ("api:invoice_pdf", "GET"): {"provider": staff(OK, OK, FORBIDDEN),
                                 "reseller": staff(OK, OK, FORBIDDEN), "another": NOT_FOUND},
    ("api:invoice_csv", "GET"): {"provider": staff(OK, OK, FORBIDDEN),
                                 "reseller": staff(OK, OK, FORBIDDEN), "another": NOT_FOUND},
    # Mark paid: the issuing provider's admins (an empty body: paid today).
    ("api:invoice_mark_paid", "POST"): {"provider": staff(OK, FORBIDDEN),
                                        "reseller": staff(NOT_FOUND), "another": NOT_FOUND},
    ("api:charges", "GET"): {"provider": staff(OK, OK, FORBIDDEN),
                             "reseller": staff(OK, OK, FORBIDDEN), "another": OK},
}

# The subscription each subscription route acts on (suspend and reactivate: their own).
# (Told apart by their licenses.)
SUBSCRIPTION_OF_ROUTE = {"api:subscription_suspend": 7, "api:subscription_reactivate": 6}


def _api_names(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _api_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and namespace == "api":
            yield f"api:{pattern.name}", pattern.callback


def api_routes():
    """(name, method) of every API route and method its view answers."""
    found = set()
    for name, callback in _api_names(get_resolver()):
        if name in PUBLIC or name == NOT_FOUND_ROUTE:
            continue
        view = callback.view_class
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                found.add((name, method.upper()))
    return found


def test_every_api_route_has_a_row():
    routes = api_routes()
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"API routes without a row in the permission matrix: {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"Rows for API routes that no longer exist: {stale}"


# ------------------------------------------------------------------ the world


def build_world():
    contoso = factories.ProviderFactory(slug="contoso")
    tailspin = factories.ProviderFactory(slug="tailspin")
    northwind = factories.ResellerFactory(slug="northwind")
    fabrikam = factories.ResellerFactory(slug="fabrikam")
    factories.PartnershipFactory(provider=contoso, reseller=northwind)
    adatum = factories.CustomerFactory(provider=contoso, reseller=northwind,
                                       organization__slug="adatum")
    factories.OrderFactory(provider=contoso, customer=adatum, reseller=northwind)
    offer = factories.OfferFactory(code="e3", name="Office 365 E3")
    factories.SubscriptionFactory(customer=adatum, offer=offer, quantity=5)
    factories.SubscriptionFactory(customer=adatum, offer=offer, quantity=7)
    factories.SubscriptionFactory(customer=adatum, offer=offer, quantity=6, status="suspended")
    inviter = factories.member(contoso, Role.ADMIN)
    for email in ("resend@litware.test", "revoke@litware.test"):
        invitation_create(provider=contoso, email=email, created_by=inviter)
    support_request_open(customer_organization=adatum.organization,
                         user=factories.member(adatum.organization, Role.ADMIN),
                         title="Sign-in fails", description="Since this morning.",
                         severity="normal")
    Invoice.objects.create(kind="invoice", status="issued", issuer=contoso, recipient=northwind,
                           month="2026-10-01", currency="USD", number=1, subtotal=10,
                           tax_rate=0, tax=0, total=10, issuer_name=contoso.name,
                           recipient_name=northwind.name, issued_on="2026-11-01",
                           due_on="2026-12-01")
    keys = {}
    for kind, org in (("provider", contoso), ("reseller", northwind)):
        for role in ROLES:
            keys[(kind, role)] = make_key(factories.member(org, role), org)[1]
    keys[("another", "provider")] = make_key(factories.member(tailspin, Role.ADMIN),
                                             tailspin)[1]
    keys[("another", "reseller")] = make_key(factories.member(fabrikam, Role.ADMIN),
                                             fabrikam)[1]
    admin = factories.member(contoso, Role.ADMIN)
    revoked, keys["revoked"] = make_key(admin, contoso, name="old")
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    expired, keys["expired"] = make_key(admin, contoso, name="temporary")
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    return keys


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def route_url(name):
    kwargs = {}
    if name == "api:customer":
        kwargs["customer_id"] = Customer.objects.get(organization__slug="adatum").pk
    if name in ("api:order", "api:order_setup_info_reveal"):
        kwargs["order_id"] = Order.objects.get().pk
    if name == "api:partner_end":
        kwargs["partnership_id"] = Partnership.objects.get().pk
    if name in ("api:invitation_resend", "api:invitation_revoke"):
        kwargs["invitation_id"] = PartnershipInvitation.objects.get(
            email=f"{name.rpartition('_')[2]}@litware.test").pk
    if name.startswith("api:subscription"):
        kwargs["customer_id"] = Customer.objects.get(organization__slug="adatum").pk
    if name.startswith("api:subscription_") or name == "api:subscription":
        kwargs["subscription_id"] = Subscription.objects.get(
            quantity=SUBSCRIPTION_OF_ROUTE.get(name, 5)).pk
    if name.startswith("api:invoice_") or name == "api:invoice":
        kwargs["invoice_id"] = Invoice.objects.get().pk
    if name.startswith("api:support_request_") or name == "api:support_request":
        kwargs["request_id"] = SupportRequest.objects.get().pk
    return reverse(name, kwargs=kwargs)


ACTORS = ("anonymous", *(f"{kind} {role}" for kind in ("provider", "reseller")
                         for role in ROLES), "another provider", "another reseller",
          "revoked", "expired")


def expectation(row, actor):
    if actor in ("anonymous", "revoked", "expired"):
        return UNAUTHORIZED
    kind, _sep, who = actor.partition(" ")
    if kind == "another":
        # Another tenant of a kind the route does not exist for: 404 as for its own roles.
        own = row[who]["admin"]
        return row["another"] if own != NOT_FOUND else NOT_FOUND
    return row[kind][who]


def _key(api_world, actor):
    if actor == "anonymous":
        return None
    if actor in ("revoked", "expired"):
        return api_world[actor]
    kind, _sep, who = actor.partition(" ")
    return api_world[(kind, who)]


def _cases():
    for (name, method), row in ROUTES.items():
        for actor in ACTORS:
            yield pytest.param(name, method, actor, expectation(row, actor),
                               id=f"{method} {name}|{actor}")


@pytest.mark.parametrize(("name", "method", "actor", "expected"), list(_cases()))
def test_api_matrix(api_world, name, method, actor, expected):
    client = APIClient()
    key = _key(api_world, actor)
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = route_url(name)
    response = client.generic(method, url, "{}", content_type="application/json")
    assert response.status_code == expected, (
        f"{actor} {method} {url}: expected {expected}, got {response.status_code} "
        f"{response.content[:200]!r}")
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == expected
    if expected == UNAUTHORIZED:
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_the_document_and_its_page_need_no_key(client, name):
    assert client.get(reverse(name)).status_code == OK


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/orders/null,null/",
                                  "/api/v1/customers/123/"])
def test_any_other_api_path_is_a_problem_404(client, path):
    response = client.get(path)
    assert response.status_code == NOT_FOUND
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_a_method_a_route_does_not_have_is_a_405_problem(api_world, method):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_world[('provider', 'admin')]}")
    response = client.generic(method, reverse("api:customers"))
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"

"""The permission matrix: every URL pattern of the project, by who asks.

A new URL without a row fails `test_every_url_pattern_has_a_row`. Workspace rows
say, for each kind of organization the URL can be opened under, what the
organization's own roles get, and what anonymous visitors, an admin of another
tenant of the same kind and an admin of another kind of organization get.
"""

import uuid

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import URLResolver, get_resolver, reverse

from apps.api.models import ApiKey
from apps.billing.models import Invoice, PriceList, PriceRule
from apps.customers.models import Customer
from apps.orders.models import CredentialHandover, Order
from apps.organizations.models import Membership, Organization, TeamInvitation
from apps.organizations.roles import Role
from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.relationships.models import ResellerRelationshipRequest
from apps.subscriptions.models import Subscription
from apps.support.models import SupportRequest
from apps.webhooks.crypto import encrypt, new_secret
from apps.webhooks.models import WebhookEndpoint
from tests import factories

# Every test runs in a savepoint of the module's world (see `world`).
pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the sign-in page
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, REDIRECT = 200, 403, 404, 405, 302

STAFF_ROLES = ("admin", "sales", "helpdesk")
CUSTOMER_ROLES = ("admin", "user")


def staff(admin, sales=None, helpdesk=None):
    """Expectations for a provider or reseller organization's three roles."""
    sales = admin if sales is None else sales
    helpdesk = sales if helpdesk is None else helpdesk
    return {"admin": admin, "sales": sales, "helpdesk": helpdesk}


def customer(admin, user=None):
    return {"admin": admin, "user": admin if user is None else user}


NOWHERE = None  # the page does not exist for this kind of organization: 404 for everyone

# url name → {organization kind: role expectations}; a missing kind means 404 there.
WORKSPACE = {
    "portal:dashboard": {"provider": staff(OK), "reseller": staff(OK),
                                "customer": customer(OK)},
    "organizations:team": {"provider": staff(OK), "reseller": staff(OK),
                           "customer": customer(OK, FORBIDDEN)},
    "organizations:team_invite": {"provider": staff(OK, FORBIDDEN),
                                  "reseller": staff(OK, FORBIDDEN),
                                  "customer": customer(OK, FORBIDDEN)},
    "organizations:member_role": {"provider": staff(OK, FORBIDDEN),
                                  "reseller": staff(OK, FORBIDDEN),
                                  "customer": customer(OK, FORBIDDEN)},
    "organizations:member_remove": {"provider": staff(OK, FORBIDDEN),
                                    "reseller": staff(OK, FORBIDDEN),
                                    "customer": customer(OK, FORBIDDEN)},
    # POST only: a GET by someone allowed is 405.
    "organizations:invitation_revoke": {"provider": staff(NOT_ALLOWED, FORBIDDEN),
                                        "reseller": staff(NOT_ALLOWED, FORBIDDEN),
                                        "customer": customer(NOT_ALLOWED, FORBIDDEN)},
    "partnerships:list": {"provider": staff(OK)},
    "partnerships:invitations": {"provider": staff(OK)},
    "partnerships:request": {"provider": staff(OK, FORBIDDEN)},
    "partnerships:invitation_draft": {"provider": staff(OK, FORBIDDEN)},
    "partnerships:invitation_resend": {"provider": staff(NOT_ALLOWED, FORBIDDEN)},
    "partnerships:invitation_revoke": {"provider": staff(OK, FORBIDDEN)},
    "partnerships:partnership_end": {"provider": staff(OK, FORBIDDEN)},
    "partnerships:providers": {"reseller": staff(OK)},
    "incentives:list": {"reseller": staff(OK)},
    "incentives:csv": {"reseller": staff(OK)},
    "analytics:page": {"provider": staff(OK), "reseller": staff(OK)},
    "analytics:csv": {"provider": staff(OK), "reseller": staff(OK)},
    "relationships:new": {"provider": staff(OK, OK, FORBIDDEN)},
    "relationships:withdraw": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "relationships:partners": {"customer": customer(OK)},
    "relationships:answer": {"customer": customer(NOT_ALLOWED, FORBIDDEN)},
    "relationships:remove_reseller": {"customer": customer(OK, FORBIDDEN)},
    "customers:list": {"provider": staff(OK), "reseller": staff(OK)},
    # The New customer wizard: provider admin and sales; the start URL redirects to step 1.
    "customers:new": {"provider": staff(REDIRECT, REDIRECT, FORBIDDEN)},
    "customers:new_step": {"provider": staff(OK, OK, FORBIDDEN)},
    "customers:domain_check": {"provider": staff(OK, OK, FORBIDDEN)},
    # The provider's customer, and the same customer as its delegated reseller sees it.
    "customers:detail": {"provider": staff(OK), "reseller": staff(OK)},
    # Customers page: a record's expanded part, the customer's Subscriptions page (read by
    # the delegated reseller too), Add subscription (provider admin and sales).
    "customers:summary": {"provider": staff(OK), "reseller": staff(OK)},
    "customers:subscriptions": {"provider": staff(OK), "reseller": staff(OK)},
    "customers:add_subscription": {"provider": staff(OK, OK, FORBIDDEN),
                                   "reseller": staff(OK, OK, FORBIDDEN)},
    # A subscription's page; its changes are POST only, for provider admin and sales.
    "subscriptions:detail": {"provider": staff(OK), "reseller": staff(OK)},
    "subscriptions:support_contact": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "subscriptions:reseller_of_record": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED,
                                                           FORBIDDEN)},
    # The delegated reseller acts on behalf of the customer for licenses and auto-renew.
    "subscriptions:licenses": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN),
                               "reseller": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "subscriptions:upgrade": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "subscriptions:suspend": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "subscriptions:reactivate": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "subscriptions:auto_renew": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN),
                                 "reseller": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    # Cancel subscription: a confirmation page, then the cancellation (as licenses).
    "subscriptions:cancel": {"provider": staff(OK, OK, FORBIDDEN),
                             "reseller": staff(OK, OK, FORBIDDEN)},
    "subscriptions:list": {"customer": customer(OK)},
    # A customer's Users page: its admins in its own workspace; its provider's and delegated
    # reseller's staff under the customer's pages (sales read, helpdesk also resets,
    # admins also add, disable and enable).
    "users:list": {"customer": customer(OK, FORBIDDEN)},
    "users:new": {"customer": customer(OK, FORBIDDEN)},
    "users:reset_password": {"customer": customer(OK, FORBIDDEN)},
    "users:disable": {"customer": customer(OK, FORBIDDEN)},
    "users:enable": {"customer": customer(NOT_ALLOWED, FORBIDDEN)},
    "users:setup_info": {"customer": customer(OK, FORBIDDEN)},
    "users:customer_list": {"provider": staff(OK), "reseller": staff(OK)},
    "users:customer_new": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "users:customer_reset_password": {"provider": staff(OK, FORBIDDEN, OK),
                                      "reseller": staff(OK, FORBIDDEN, OK)},
    "users:customer_disable": {"provider": staff(OK, FORBIDDEN),
                               "reseller": staff(OK, FORBIDDEN)},
    "users:customer_enable": {"provider": staff(NOT_ALLOWED, FORBIDDEN),
                              "reseller": staff(NOT_ALLOWED, FORBIDDEN)},
    "users:customer_setup_info": {"provider": staff(OK), "reseller": staff(OK)},
    # Billing: invoices for provider and reseller admins and sales, and customer admins; a
    # provider marks its invoices paid; price lists, reseller terms and tax for staff. The
    # invoice is Contoso's to Northwind: Adatum's admin finds no such invoice of its own.
    "billing:list": {"provider": staff(OK, OK, FORBIDDEN), "reseller": staff(OK, OK, FORBIDDEN),
                     "customer": customer(OK, FORBIDDEN)},
    "billing:invoice": {"provider": staff(OK, OK, FORBIDDEN),
                        "reseller": staff(OK, OK, FORBIDDEN),
                        "customer": customer(NOT_FOUND, FORBIDDEN)},
    "billing:invoice_pdf": {"provider": staff(OK, OK, FORBIDDEN),
                            "reseller": staff(OK, OK, FORBIDDEN),
                            "customer": customer(NOT_FOUND, FORBIDDEN)},
    "billing:invoice_csv": {"provider": staff(OK, OK, FORBIDDEN),
                            "reseller": staff(OK, OK, FORBIDDEN),
                            "customer": customer(NOT_FOUND, FORBIDDEN)},
    "billing:invoice_paid": {"provider": staff(NOT_ALLOWED, FORBIDDEN)},
    # The credit note form (of chosen lines or of all that is left), provider admins.
    "billing:invoice_credit_note": {"provider": staff(OK, FORBIDDEN)},
    # A reseller admin reviews its draft statement to Adatum before sending it.
    "billing:statement_send": {"reseller": staff(OK, FORBIDDEN)},
    "billing:reconciliation": {"provider": staff(OK, OK, FORBIDDEN),
                               "reseller": staff(OK, OK, FORBIDDEN)},
    # A reseller's Price list opens its one list.
    "billing:price_lists": {"provider": staff(OK, OK, FORBIDDEN),
                            "reseller": staff(REDIRECT, REDIRECT, FORBIDDEN)},
    "billing:price_list": {"provider": staff(OK, OK, FORBIDDEN),
                           "reseller": staff(OK, OK, FORBIDDEN)},
    "billing:price_rule_delete": {"provider": staff(NOT_ALLOWED, FORBIDDEN),
                                  "reseller": staff(NOT_ALLOWED, FORBIDDEN)},
    "billing:reseller_terms": {"provider": staff(OK, OK, FORBIDDEN)},
    "billing:reseller_terms_edit": {"provider": staff(OK, FORBIDDEN)},
    "billing:tax": {"provider": staff(OK, OK, FORBIDDEN), "reseller": staff(OK, OK, FORBIDDEN)},
    "orders:list": {"provider": staff(OK)},
    "orders:confirmation": {"provider": staff(OK)},
    "orders:status": {"provider": staff(OK)},
    "provisioning:retry": {"provider": staff(NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN)},
    "portal:audit_log": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    # Directory profile: provider admins only.
    "providers:profile": {"provider": staff(OK, FORBIDDEN)},
    "providers:profile_request": {"provider": staff(OK, FORBIDDEN)},
    "providers:profile_withdraw": {"provider": staff(NOT_ALLOWED, FORBIDDEN)},
    "support:list": {"provider": staff(OK), "reseller": staff(OK), "customer": customer(OK)},
    "support:new": {"customer": customer(OK)},
    "support:detail": {"provider": staff(OK), "reseller": staff(OK), "customer": customer(OK)},
    "support:reply": {"provider": staff(NOT_ALLOWED), "reseller": staff(NOT_ALLOWED),
                      "customer": customer(NOT_ALLOWED)},
    "support:status": {"provider": staff(NOT_ALLOWED), "reseller": staff(NOT_ALLOWED)},
    "apikeys:list": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "apikeys:new": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "apikeys:revoke": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    # Webhooks: provider and reseller admins; the endpoint is the organization's own (another
    # tenant's endpoint is a 404); test and Resend are POST only.
    "webhooks:list": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "webhooks:new": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "webhooks:detail": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "webhooks:edit": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "webhooks:rotate": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "webhooks:delete": {"provider": staff(OK, FORBIDDEN), "reseller": staff(OK, FORBIDDEN)},
    "webhooks:test": {"provider": staff(NOT_ALLOWED, FORBIDDEN),
                      "reseller": staff(NOT_ALLOWED, FORBIDDEN)},
    "webhooks:resend": {"provider": staff(NOT_ALLOWED, FORBIDDEN),
                        "reseller": staff(NOT_ALLOWED, FORBIDDEN)},
}

# Pages outside workspaces: url name → (kwargs kind, anonymous, signed-in member).
PUBLIC = {
    "home": (None, OK, REDIRECT),
    "healthz": (None, OK, OK),
    "favicon": (None, REDIRECT, REDIRECT),
    # The language switch is POST only; the JavaScript strings are public.
    "set_language": (None, NOT_ALLOWED, NOT_ALLOWED),
    "javascript-catalog": (None, OK, OK),
    "readyz": (None, OK, OK),
    "team_invitation": ("token", LOGIN, OK),
    # Anyone may read who invites; only a reseller admin may answer (a provider admin: 403).
    "partnership_invitation": ("partnership_token", OK, FORBIDDEN),
    "enrol": (None, OK, OK),
    "directory:index": (None, OK, OK),
    "directory:logo": ("logo", OK, OK),
    "accounts:set_new_password": (None, LOGIN, REDIRECT),
    "accounts:time_zone": (None, LOGIN, OK),
    "account_login": (None, OK, REDIRECT),
    "account_logout": (None, REDIRECT, OK),
    "account_inactive": (None, OK, OK),
    "account_signup": (None, OK, REDIRECT),
    "account_reauthenticate": (None, LOGIN, OK),
    "account_email": (None, LOGIN, OK),
    "account_email_verification_sent": (None, OK, OK),
    "account_change_password": (None, LOGIN, OK),
    "account_set_password": (None, LOGIN, REDIRECT),
    "account_reset_password": (None, OK, OK),
    "account_confirm_login_code": (None, REDIRECT, REDIRECT),
    "account_confirm_email": ("key", OK, OK),
    "account_reset_password_from_key_done": (None, OK, OK),
    "account_reset_password_from_key": ("reset", OK, OK),
    "account_reset_password_done": (None, OK, OK),
    "mfa_index": (None, LOGIN, OK),
    "mfa_authenticate": (None, REDIRECT, REDIRECT),
    "mfa_reauthenticate": (None, LOGIN, REDIRECT),
    "mfa_activate_totp": (None, LOGIN, REDIRECT),  # a fresh sign-in (reauthentication) first
    "mfa_deactivate_totp": (None, LOGIN, NOT_FOUND),
    "mfa_view_recovery_codes": (None, LOGIN, NOT_FOUND),
    "mfa_generate_recovery_codes": (None, LOGIN, REDIRECT),
    "mfa_download_recovery_codes": (None, LOGIN, NOT_FOUND),
}


def _walk(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, ns)
        else:
            name = pattern.name or "<unnamed>"
            yield f"{namespace}:{name}" if namespace else name


def all_url_names():
    return sorted(set(_walk(get_resolver())))


def test_every_url_pattern_has_a_row():
    # The API's routes (api:…) have their own matrix: tests/api/test_permissions.py.
    missing = [name for name in all_url_names()
               if name not in WORKSPACE and name not in PUBLIC
               and not name.startswith(("admin:", "api:"))]
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"
    stale = [name for name in [*WORKSPACE, *PUBLIC] if name not in all_url_names()]
    assert not stale, f"Rows for URL names that no longer exist: {stale}"


# ------------------------------------------------------------------ the world


def build_world():
    """Three kinds of organization with every role, plus a same-kind stranger for each."""
    contoso = factories.ProviderFactory(slug="contoso")
    tailspin = factories.ProviderFactory(slug="tailspin")
    northwind = factories.ResellerFactory(slug="northwind")
    fabrikam = factories.ResellerFactory(slug="fabrikam")
    factories.PartnershipFactory(provider=contoso, reseller=northwind)
    adatum = factories.CustomerFactory(provider=contoso, reseller=northwind,
                                       organization__slug="adatum").organization
    blueyonder = factories.CustomerFactory(provider=tailspin,
                                           organization__slug="blueyonder").organization
    orgs = {"provider": contoso, "reseller": northwind, "customer": adatum}
    strangers = {"provider": tailspin, "reseller": fabrikam, "customer": blueyonder}
    people = {}
    for kind, org in orgs.items():
        roles = CUSTOMER_ROLES if kind == "customer" else STAFF_ROLES
        for role in roles:
            people[(kind, role)] = factories.member(org, role)
        TeamInvitation.objects.create(
            organization=org, email=f"invitee@{kind}.test", role=Role.ADMIN,
            expires_at="2099-01-01T00:00:00Z")
    PartnershipInvitation.objects.create(provider=contoso, email="new@reseller.test",
                                         expires_at="2099-01-01T00:00:00Z")
    for handler in (contoso, northwind):
        SupportRequest.objects.create(customer=adatum, handled_by=handler, title="Help")
    ResellerRelationshipRequest.objects.create(provider=contoso, customer=adatum,
                                               reseller=northwind)
    for org in (contoso, northwind):
        WebhookEndpoint.objects.create(organization=org, url="https://hooks.example.com/",
                                       events=["order.completed"],
                                       secret_encrypted=encrypt(new_secret()))
    for kind, org in strangers.items():
        people[("stranger", kind)] = factories.member(org, Role.ADMIN)
    for kind in ("provider", "reseller"):
        ApiKey.objects.create(organization=orgs[kind], name="CRM", role=Role.ADMIN,
                              prefix=f"pc_{kind}", hashed=kind,
                              created_by=people[(kind, "admin")])
    factories.OrderFactory(provider=contoso, customer=adatum.customer, reseller=northwind,
                           status="failed", error="Something went wrong")
    subscription = factories.SubscriptionFactory(customer=adatum.customer,
                                                 reseller_of_record=northwind,
                                                 support_contact=contoso)
    # Billing: Contoso's invoice to Northwind, a price list each, a rule of each.
    for owner in (contoso, northwind):
        price_list = PriceList.objects.create(owner=owner, name="Prices", is_default=True)
        PriceRule.objects.create(price_list=price_list, margin_percent=10,
                                 effective_from="2026-01-01")
    Invoice.objects.create(kind="invoice", status="issued", issuer=contoso, recipient=northwind,
                           month="2026-10-01", currency="USD", number=1, subtotal=10,
                           tax_rate=0, tax=0, total=10, issuer_name=contoso.name,
                           recipient_name=northwind.name, issued_on="2026-11-01",
                           due_on="2026-12-01")
    Invoice.objects.create(kind="statement", status="draft", issuer=northwind,
                           recipient=adatum, month="2026-10-01", currency="USD", number=0,
                           subtotal=12, tax_rate=0, tax=0, total=12,
                           issuer_name=northwind.name, recipient_name=adatum.name,
                           issued_on="2026-11-01", due_on="2026-12-01")
    assert subscription
    # A temporary password handed over on Adatum's Users page (shown to its asker only).
    CredentialHandover.objects.create(organization=adatum, username="user@adatum.test",
                                      reason="password_reset", for_user=people[("customer",
                                                                                "admin")])
    return {"orgs": orgs, "people": people}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint of it (pytest-django's `db`), so nothing leaks."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def workspace_url(name, org):
    kwargs = {"org_slug": org.slug}
    if "member_" in name:
        kwargs["membership_id"] = Membership.objects.filter(organization=org).first().pk
    if name.startswith("partnerships:invitation_"):
        # Requests exist on the provider side only; elsewhere the page itself is a 404.
        kwargs["invitation_id"] = PartnershipInvitation.objects.first().pk
    elif "invitation_" in name:
        kwargs["invitation_id"] = TeamInvitation.objects.filter(organization=org).first().pk
    if "partnership_id" in name or name == "partnerships:partnership_end":
        kwargs["partnership_id"] = Partnership.objects.first().pk
    if name == "customers:new_step":
        kwargs["step"] = "details"
    if name == "analytics:csv":
        kwargs["widget"] = "top-products"  # a table of both kinds' pages
    if name in ("customers:detail", "customers:summary", "customers:subscriptions",
                "customers:add_subscription") or (name.startswith("subscriptions:")
                                                  and name != "subscriptions:list"):
        # Contoso's customer, delegated to Northwind; elsewhere the page is a 404.
        kwargs["customer_id"] = Customer.objects.get(organization__slug="adatum").pk
    if name.startswith("subscriptions:") and name != "subscriptions:list":
        kwargs["subscription_id"] = Subscription.objects.get(
            customer__organization__slug="adatum").pk
    if name.startswith("users:"):
        adatum = Customer.objects.get(organization__slug="adatum")
        if name.startswith("users:customer_"):
            kwargs["customer_id"] = adatum.pk
        # Adatum's user (not the asker): the pages that act on one ask to confirm.
        target = Membership.objects.filter(organization=adatum.organization,
                                                role=Role.USER).first()
        if name.endswith(("reset_password", "disable", "enable")):
            kwargs["membership_id"] = target.pk
        if name.endswith("setup_info"):
            kwargs["handover_id"] = CredentialHandover.objects.get().pk
    if name == "apikeys:revoke":
        key = ApiKey.objects.filter(organization=org).first()
        kwargs["key_id"] = key.pk if key else uuid.uuid4()
    if name.startswith("billing:invoice"):
        kwargs["invoice_id"] = Invoice.objects.get(kind="invoice").pk
    if name == "billing:statement_send":
        kwargs["invoice_id"] = Invoice.objects.get(kind="statement").pk
    if name == "billing:price_list":
        mine = PriceList.objects.filter(owner=org).first()
        kwargs["list_id"] = (mine or PriceList.objects.first()).pk
    if name == "billing:price_rule_delete":
        kwargs["rule_id"] = PriceRule.objects.first().pk
    if name == "billing:reseller_terms_edit":
        kwargs["reseller_id"] = Organization.objects.get(slug="northwind").pk
    if name == "providers:profile_withdraw":
        kwargs["request_id"] = uuid.uuid4()  # POST only: a GET never looks it up
    if (name.startswith("orders:") and name != "orders:list") or name == "provisioning:retry":
        kwargs["order_id"] = Order.objects.get().pk
    if name in ("relationships:new", "relationships:withdraw"):
        kwargs["customer_id"] = Customer.objects.get(organization__slug="adatum").pk
    if name in ("relationships:withdraw", "relationships:answer"):
        kwargs["request_id"] = ResellerRelationshipRequest.objects.get().pk
    if name.startswith("webhooks:") and name not in ("webhooks:list", "webhooks:new"):
        # The organization's own endpoint; another tenant's admin meets a 404 with it.
        endpoint = WebhookEndpoint.objects.filter(organization=org).first()
        kwargs["endpoint_id"] = endpoint.pk if endpoint else uuid.uuid4()
        if name == "webhooks:resend":
            kwargs["delivery_id"] = uuid.uuid4()  # POST only: a GET never looks it up
    if name.startswith("support:") and name not in ("support:list", "support:new"):
        mine = SupportRequest.objects.filter(Q(customer=org) | Q(handled_by=org)).first()
        kwargs["request_id"] = (mine or SupportRequest.objects.first()).pk
    return reverse(name, kwargs=kwargs)


KINDS = ("provider", "reseller", "customer")


def actors(kind):
    """Who asks, for a workspace of `kind`: anonymous, each of its roles, an admin of another
    tenant of the same kind, and an admin of each other kind of organization."""
    roles = CUSTOMER_ROLES if kind == "customer" else STAFF_ROLES
    return ["anonymous", *roles, f"another {kind}",
            *(f"{other} admin" for other in KINDS if other != kind)]


def _cases():
    for name in WORKSPACE:
        for kind in KINDS:
            for actor in actors(kind):
                yield pytest.param(name, kind, actor, id=f"{name}|{kind}|{actor}")


def expectation(name, kind, actor):
    if actor == "anonymous":
        return LOGIN
    by_role = WORKSPACE[name].get(kind)
    if actor in by_role_names(kind) and by_role:
        return by_role[actor]
    # The page does not exist for this kind, or the asker is another tenant: 404.
    return NOT_FOUND


def by_role_names(kind):
    return CUSTOMER_ROLES if kind == "customer" else STAFF_ROLES


def person(world, kind, actor):
    if actor in by_role_names(kind):
        return world["people"][(kind, actor)]
    if actor.startswith("another "):
        return world["people"][("stranger", kind)]
    return world["people"][(actor.removesuffix(" admin"), "admin")]


def _assert_status(response, expected, url, who):
    if expected == LOGIN:
        assert response.status_code == 302, f"{who} GET {url}: {response.status_code}"
        assert response.url.startswith(reverse("account_login")), f"{who} GET {url}"
    else:
        assert response.status_code == expected, (
            f"{who} GET {url}: expected {expected}, got {response.status_code}")


@pytest.mark.parametrize(("name", "kind", "actor"), list(_cases()))
def test_workspace_matrix(world, client, name, kind, actor):
    url = workspace_url(name, world["orgs"][kind])
    if actor != "anonymous":
        client.force_login(person(world, kind, actor))
    _assert_status(client.get(url), expectation(name, kind, actor), url, f"{kind}: {actor}")


def public_url(name, how):
    if how == "token":
        invitation = TeamInvitation.objects.first()
        from apps.organizations.selectors import team_invitation_token
        return reverse(name, kwargs={"token": team_invitation_token(invitation)})
    if how == "partnership_token":
        from apps.partnerships.tokens import invitation_token
        return reverse(name, kwargs={"token": invitation_token(PartnershipInvitation.objects
                                                              .first())})
    if how == "logo":
        from apps.organizations.models import Organization
        from tests.providers.images import publish_logo
        logo = publish_logo(Organization.objects.get(slug="contoso"))
        return reverse(name, kwargs={"digest": logo.pk})
    if how == "key":
        return reverse(name, kwargs={"key": "not-a-real-key"})
    if how == "reset":
        return reverse(name, kwargs={"uidb36": "zz", "key": "not-a-real-key"})
    return reverse(name)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_matrix(world, client, name):
    how, anonymous, member = PUBLIC[name]
    url = public_url(name, how)
    _assert_status(client.get(url), anonymous, url, "anonymous")
    # The invitee is signed in for the invitation link; any member elsewhere.
    user = world["people"][("provider", "admin")]
    if how == "token":
        user = factories.UserFactory(email=TeamInvitation.objects.first().email)
    client.force_login(user)
    _assert_status(client.get(url), member, url, "member")


def test_admin_urls_need_a_staff_sign_in(world, client):
    # The admin's unnamed catch-all answers the same redirect; it has no name to reverse.
    admin_names = [n for n in all_url_names()
                   if n.startswith("admin:") and not n.endswith("<unnamed>")]
    assert "admin:index" in admin_names
    pattern_kwargs = {"object_id": str(uuid.uuid4()), "content_type_id": 1,
                      "app_label": "organizations", "id": "1"}
    member = world["people"][("provider", "admin")]
    for who in (None, member):
        if who:
            client.force_login(who)
        for name in admin_names:
            url = _admin_reverse(name, pattern_kwargs)
            response = client.get(url)
            if who and name == "admin:login":
                # Signed in, but not an operator: the admin's sign-in says no.
                assert response.status_code == 403
                continue
            assert response.status_code == 302, f"{who} GET {url}: {response.status_code}"
            # Signing out of the admin sends back to its index, which asks for a sign-in.
            target = "/admin/" if name == "admin:logout" else "login"
            assert target in response.url, f"{who} GET {url} → {response.url}"


def _admin_reverse(name, candidates):
    from django.urls import NoReverseMatch
    try:
        return reverse(name)
    except NoReverseMatch:
        pass
    for keys in (["object_id"], ["id"], ["app_label"], ["content_type_id", "object_id"]):
        try:
            return reverse(name, kwargs={k: candidates[k] for k in keys})
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")

"""Fixtures shared by the whole suite: fast hashing, a clean cache, and the named world.

The world is the demo data's (README, "Demo accounts"), built with factories: Contoso the
provider, Tailspin the other provider, Northwind partnered with Contoso, Fabrikam approved but
not partnered, Adatum the customer, and a person for each role. Each name means one thing in
the whole suite (tests/test_fixture_names.py keeps it so). People's addresses are
role@organization.test (the demo's provider@contoso.test is admin@contoso.test here), except
Fabrikam's admin, reseller@fabrikam.test as in the demo: Contoso's invitations go there.
"""

import runpy
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

from apps.organizations.roles import Role
from tests import factories

# The real-worker fixture (`celery_worker`) for every test that asks for it.
pytest_plugins = ["tests.worker"]

CATALOGS = Path(__file__).resolve().parent.parent / "locale" / "catalogs.py"


def pytest_sessionstart(session):
    # The .mo files are built from the committed .po files (make test does it too): a run
    # started some other way still sees the current translations.
    runpy.run_path(str(CATALOGS))["compile_all"]()


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    """Fast password hashing, no MFA gate, and an empty cache around every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PORTAL_REQUIRE_MFA_ROLES = []
    # Links in mails as a deployment sets them; tests/test_links.py clears it to see the
    # request's host used instead.
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    cache.clear()  # rate-limit counters must not leak between tests
    # A request in Chinese leaves the thread's language active: every test starts in the
    # default language, whatever ran before it.
    translation.deactivate()
    yield
    cache.clear()
    translation.deactivate()


# -- Organizations -------------------------------------------------------------------------

@pytest.fixture
def contoso(db):
    """Contoso Distribution, the indirect provider (slug `contoso`)."""
    return factories.ProviderFactory(name="Contoso Distribution", slug="contoso")


@pytest.fixture
def tailspin(db):
    """Tailspin Cloud, the other indirect provider: it must never see Contoso's things."""
    return factories.ProviderFactory(name="Tailspin Cloud", slug="tailspin")


@pytest.fixture
def northwind(contoso):
    """Northwind Traders, an approved indirect reseller partnered with Contoso."""
    org = factories.ResellerFactory(name="Northwind Traders", slug="northwind")
    factories.PartnershipFactory(provider=contoso, reseller=org)
    return org


@pytest.fixture
def fabrikam(db):
    """Fabrikam Solutions, an approved indirect reseller, partnered with no one."""
    return factories.ResellerFactory(name="Fabrikam Solutions", slug="fabrikam")


@pytest.fixture
def fabrikam_partnered(contoso, fabrikam):
    """Fabrikam, here partnered with Contoso too (unlike in the demo data): Contoso's second
    partner. The same organization as `fabrikam`."""
    factories.PartnershipFactory(provider=contoso, reseller=fabrikam)
    return fabrikam


@pytest.fixture
def adatum(contoso, northwind):
    """Adatum Corporation, Contoso's customer delegated to Northwind: its Customer record
    (the workspace is `adatum.organization`, slug `adatum`)."""
    return factories.CustomerFactory(provider=contoso, reseller=northwind,
                                     organization__name="Adatum Corporation",
                                     organization__slug="adatum", domain_prefix="adatum")


# -- People --------------------------------------------------------------------------------

@pytest.fixture
def contoso_admin(contoso):
    """Contoso's admin, admin@contoso.test (the demo's provider@contoso.test)."""
    return factories.member(contoso, Role.ADMIN, email="admin@contoso.test")


@pytest.fixture
def contoso_sales(contoso):
    """Contoso's sales agent, sales@contoso.test."""
    return factories.member(contoso, Role.SALES, email="sales@contoso.test")


@pytest.fixture
def contoso_helpdesk(contoso):
    """Contoso's helpdesk agent, helpdesk@contoso.test."""
    return factories.member(contoso, Role.HELPDESK, email="helpdesk@contoso.test")


@pytest.fixture
def northwind_admin(northwind):
    """Northwind's admin, admin@northwind.test (the demo's reseller@northwind.test)."""
    return factories.member(northwind, Role.ADMIN, email="admin@northwind.test")


@pytest.fixture
def northwind_sales(northwind):
    """Northwind's sales agent, sales@northwind.test."""
    return factories.member(northwind, Role.SALES, email="sales@northwind.test")


@pytest.fixture
def northwind_helpdesk(northwind):
    """Northwind's helpdesk agent, helpdesk@northwind.test."""
    return factories.member(northwind, Role.HELPDESK, email="helpdesk@northwind.test")


@pytest.fixture
def fabrikam_admin(fabrikam):
    """Fabrikam's admin, reseller@fabrikam.test as in the demo data."""
    return factories.member(fabrikam, Role.ADMIN, email="reseller@fabrikam.test")


@pytest.fixture
def fabrikam_helpdesk(fabrikam):
    """Fabrikam's helpdesk agent, helpdesk@fabrikam.test."""
    return factories.member(fabrikam, Role.HELPDESK, email="helpdesk@fabrikam.test")


@pytest.fixture
def tailspin_admin(tailspin):
    """Tailspin's admin, admin@tailspin.test (the demo's provider@tailspin.test)."""
    return factories.member(tailspin, Role.ADMIN, email="admin@tailspin.test")


@pytest.fixture
def adatum_admin(adatum):
    """Adatum's admin, admin@adatum.test (the demo's admin@adatum.onpartnercenter.test)."""
    return factories.member(adatum.organization, Role.ADMIN, email="admin@adatum.test")


@pytest.fixture
def adatum_user(adatum):
    """A user at Adatum (the customer role without admin rights), user@adatum.test."""
    return factories.member(adatum.organization, Role.USER, email="user@adatum.test")


@pytest.fixture
def operator(django_user_model):
    """The platform operator, a superuser working in the Django admin, ops@partnercenter.test
    (the demo's admin@partnercenter.test)."""
    return django_user_model.objects.create_superuser("ops@partnercenter.test",
                                                      "Ops-pass-2026!")


# -- The same, by the kind of organization ---------------------------------------------------
# Aliases of the names above for the tests that speak of kinds rather than of companies.

@pytest.fixture
def provider(contoso):
    """Alias of `contoso`."""
    return contoso


@pytest.fixture
def other_provider(tailspin):
    """Alias of `tailspin`."""
    return tailspin


@pytest.fixture
def reseller(northwind):
    """Alias of `northwind` (partnered with Contoso)."""
    return northwind


@pytest.fixture
def other_reseller(fabrikam):
    """Alias of `fabrikam` (not partnered)."""
    return fabrikam


@pytest.fixture
def customer(adatum):
    """Alias of `adatum` (a Customer record)."""
    return adatum


@pytest.fixture
def provider_admin(contoso_admin):
    """Alias of `contoso_admin`."""
    return contoso_admin


@pytest.fixture
def provider_sales(contoso_sales):
    """Alias of `contoso_sales`."""
    return contoso_sales


@pytest.fixture
def provider_helpdesk(contoso_helpdesk):
    """Alias of `contoso_helpdesk`."""
    return contoso_helpdesk


@pytest.fixture
def reseller_admin(northwind_admin):
    """Alias of `northwind_admin`."""
    return northwind_admin


@pytest.fixture
def reseller_sales(northwind_sales):
    """Alias of `northwind_sales`."""
    return northwind_sales


@pytest.fixture
def customer_admin(adatum_admin):
    """Alias of `adatum_admin`."""
    return adatum_admin


@pytest.fixture
def outsider(tailspin_admin):
    """Alias of `tailspin_admin`: an admin of another provider."""
    return tailspin_admin


# -- The catalog ---------------------------------------------------------------------------

@pytest.fixture
def offers(db):
    """The catalog: Business Basic, Standard and Premium, each upgradable to the next
    (Premium takes 1 to 25 licenses, the others 1 to 300), and a retired plan."""
    basic = factories.OfferFactory(code="basic", name="Business Basic", unit_price="6.00",
                                   min_licenses=1, max_licenses=300)
    standard = factories.OfferFactory(code="standard", name="Business Standard",
                                      unit_price="12.50", min_licenses=1, max_licenses=300)
    premium = factories.OfferFactory(code="premium", name="Business Premium", unit_price="22.00",
                                     min_licenses=1, max_licenses=25)
    retired = factories.OfferFactory(code="retired", name="Retired plan", unit_price="1.00",
                                     is_active=False)
    basic.upgrades_to.set([standard])
    standard.upgrades_to.set([premium])
    return {"basic": basic, "standard": standard, "premium": premium, "retired": retired}


# -- Signed-in clients and helpers ---------------------------------------------------------

@pytest.fixture
def contoso_admin_client(client, contoso_admin):
    """The test client, signed in as Contoso's admin."""
    client.force_login(contoso_admin)
    return client


@pytest.fixture
def signed_in_operator(client, operator):
    """The operator, signed in on the test client (`client`)."""
    client.force_login(operator)
    return operator


@pytest.fixture
def login(client):
    """`login(user)` signs `user` in on the test client and returns the client."""
    def _login(user):
        client.force_login(user)
        return client
    return _login


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit():` runs what the block queued on commit (e-mail tasks, cache bumps),
    as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cache_unreachable(settings):
    """The cache is a Redis that does not answer (a closed loopback port), as during an
    outage; the database is fine. The project's backend and timeouts, at a dead address."""
    before = settings.CACHES
    settings.CACHES = {"default": {
        "BACKEND": "apps.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}}}
    yield
    settings.CACHES = before  # back before the cache is cleared after each test


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with stray connections closed before it is dropped."""
    yield
    from django.db import connection
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A live-server request thread may still hold an idle connection; it would
            # stop the test database from being dropped.
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")

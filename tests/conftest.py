"""Fixtures shared by the whole suite: fast hashing, a clean cache, and the named people."""

import runpy
from pathlib import Path

import pytest
from django.core.cache import cache

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
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PORTAL_REQUIRE_MFA_ROLES = []
    cache.clear()  # rate-limit counters must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="Contoso Distribution", slug="contoso")


@pytest.fixture
def other_provider(db):
    return factories.ProviderFactory(name="Tailspin Cloud", slug="tailspin")


@pytest.fixture
def reseller(db, provider):
    org = factories.ResellerFactory(name="Northwind Traders", slug="northwind")
    factories.PartnershipFactory(provider=provider, reseller=org)
    return org


@pytest.fixture
def other_reseller(db):
    return factories.ResellerFactory(name="Fabrikam Solutions", slug="fabrikam")


@pytest.fixture
def customer(db, provider, reseller):
    return factories.CustomerFactory(provider=provider, reseller=reseller,
                                     organization__name="Adatum Corporation",
                                     organization__slug="adatum", domain_prefix="adatum")


@pytest.fixture
def provider_admin(provider):
    return factories.member(provider, Role.ADMIN, email="admin@contoso.test")


@pytest.fixture
def provider_sales(provider):
    return factories.member(provider, Role.SALES, email="sales@contoso.test")


@pytest.fixture
def provider_helpdesk(provider):
    return factories.member(provider, Role.HELPDESK, email="helpdesk@contoso.test")


@pytest.fixture
def reseller_admin(reseller):
    return factories.member(reseller, Role.ADMIN, email="admin@northwind.test")


@pytest.fixture
def customer_admin(customer):
    return factories.member(customer.organization, Role.ADMIN, email="admin@adatum.test")


@pytest.fixture
def outsider(other_provider):
    """An admin of another provider: must never see Contoso's things."""
    return factories.member(other_provider, Role.ADMIN, email="admin@tailspin.test")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a request queued on commit (e-mail tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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

"""The cache (Redis) unreachable: every page still answers, quickly, from the database.

`cache_unreachable` points the project's cache backend (apps.cache.TolerantRedisCache, with
the settings' short socket timeouts) at a closed port, as in an outage."""

import socket
import time

import pytest
from django.core.cache import cache

from apps.customers.models import Customer
from tests import factories
from tests.factories import PASSWORD
from tests.resellers.test_enrolment import ACCOUNT, COMPANY, ENROL

# Every operation of a request fails at once (a refused connection) or within the socket
# timeout: a page costs at most a few of them.
QUICK = 3.0


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_reads_miss_and_writes_are_dropped_with_one_line(db, cache_unreachable, caplog,
                                                         settings):
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is True  # as if stored: a lock taken on the cache goes on
    cache.set("k", 1)
    assert cache.get_many(["k"]) == {}
    lines = [r.getMessage() for r in caplog.records if r.name == "apps.cache"]
    # The first failure pauses the cache: the other operations do not try Redis again.
    assert lines == ["cache unavailable: get skipped, and the cache for 5 s: "
                     "ConnectionError: Error 111 connecting to 127.0.0.1:1. Connection refused."]
    # After the pause, Redis is tried again (and still down).
    settings.PORTAL_CACHE_DOWN_SECONDS = 0
    cache._down_until = 0.0
    assert cache.get("k") is None
    assert len([r for r in caplog.records if r.name == "apps.cache"]) == 2


@pytest.fixture
def cache_silent(settings):
    """A Redis that takes connections and never answers (a hung server): every try waits
    for the socket timeout."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        before = settings.CACHES
        settings.CACHES = {"default": {
            "BACKEND": "apps.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.getsockname()[1]}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}}}
        yield
        settings.CACHES = before


def test_a_hung_cache_costs_a_sign_in_one_timeout(client, provider_admin, cache_silent,
                                                  caplog):
    client.get("/accounts/login/")  # the process warmed up (URLs, templates)
    cache._down_until = 0.0
    # Some twenty cache operations: without the pause each would wait 0.25 s.
    response, took = timed(lambda: client.post(
        "/accounts/login/", {"login": provider_admin.email, "password": PASSWORD}))
    assert response.status_code == 302
    assert took < 1.5
    assert [r.getMessage().split(":")[1] for r in caplog.records if r.name == "apps.cache"
            ] == [" add skipped, and the cache for 5 s"]


def test_signing_in_works_while_the_cache_is_down(client, provider_admin, cache_unreachable,
                                                 caplog):
    response, took = timed(lambda: client.post(
        "/accounts/login/", {"login": provider_admin.email, "password": PASSWORD}))
    assert response.status_code == 302
    assert took < QUICK
    # Signed in: the rate limit let the attempt through (fail-open) and said so.
    assert client.get("/o/contoso/").status_code == 200
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)


def test_the_customers_page_answers_from_the_database(client, provider_admin, contoso,
                                                     northwind, adatum, cache_unreachable):
    client.force_login(provider_admin)
    response, took = timed(lambda: client.get("/o/contoso/customers/"))
    assert response.status_code == 200
    assert took < QUICK
    html = response.content.decode()
    assert "Adatum" in html
    assert northwind.name in html  # the reseller filter's options, drawn from the database
    # A new customer forgets the cached options: nothing to forget, nothing fails.
    factories.CustomerFactory(provider=contoso)
    assert Customer.objects.count() == 2


def test_the_directory_answers_from_the_database(client, db, cache_unreachable):
    response, took = timed(lambda: client.get("/directory/"))
    assert response.status_code == 200
    assert took < QUICK


def test_enrolment_is_let_through_while_the_cache_is_down(client, db, on_commit,
                                                         cache_unreachable, settings):
    settings.PORTAL_ENROL_PER_HOUR = 1  # even past the limit: no counter, fail-open
    with on_commit():
        response, took = timed(lambda: client.post(ENROL, {**COMPANY, **ACCOUNT}))
    assert response.status_code == 302
    assert took < QUICK


def test_readyz_still_names_the_cache(client, db, cache_unreachable):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]

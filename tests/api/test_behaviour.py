"""Idempotency-Key, the per-key rate limit, problem details and cursor pagination."""

import pytest
from django.urls import reverse

from apps.api.models import ApiKey
from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.orders.models import Order
from tests import factories
from tests.api.conftest import make_key
from tests.api.test_resources import _new_customer

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ idempotency

def test_same_key_same_body_replays_the_first_response(api, contoso_key, offers):
    client = api(contoso_key)
    body = _new_customer(offers)
    first = client.post("/api/v1/customers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/customers/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1


def test_same_key_other_body_is_a_409_problem(api, contoso_key, offers):
    client = api(contoso_key)
    client.post("/api/v1/customers/", _new_customer(offers), format="json",
                HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post("/api/v1/customers/", _new_customer(offers, domain_prefix="other"),
                        format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 409
    assert other["Content-Type"] == "application/problem+json"
    assert "another request" in other.json()["detail"]
    assert Customer.objects.count() == 1


def test_keys_are_per_organization_and_refused_data_is_not_kept(
        api, contoso_key, offers, tailspin_admin, tailspin):
    client = api(contoso_key)
    refused = client.post("/api/v1/customers/", _new_customer(offers, city=""), format="json",
                          HTTP_IDEMPOTENCY_KEY="k-3")
    assert refused.status_code == 400
    fixed = client.post("/api/v1/customers/", _new_customer(offers), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-3")
    assert fixed.status_code == 201  # the corrected request goes through with the same key
    theirs = api(make_key(tailspin_admin, tailspin)[1]).post(
        "/api/v1/customers/", _new_customer(offers, domain_prefix="tailspinco"), format="json",
        HTTP_IDEMPOTENCY_KEY="k-3")
    assert theirs.status_code == 201  # another organization's k-3 is its own
    assert Order.objects.count() == 2


# ------------------------------------------------------------------ rate limit

def test_over_the_limit_is_429_with_retry_after(api, contoso_key, settings):
    settings.PORTAL_API_RATE_LIMIT = 3
    client = api(contoso_key)
    assert [client.get("/api/v1/offers/").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/offers/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429


def test_the_limit_is_per_key(api, contoso_admin, contoso, settings):
    settings.PORTAL_API_RATE_LIMIT = 1
    first, second = make_key(contoso_admin, contoso)[1], make_key(contoso_admin, contoso)[1]
    assert api(first).get("/api/v1/offers/").status_code == 200
    assert api(first).get("/api/v1/offers/").status_code == 429
    assert api(second).get("/api/v1/offers/").status_code == 200


def test_redis_down_fails_open(api, contoso_key, settings, cache_unreachable):
    settings.PORTAL_API_RATE_LIMIT = 1
    client = api(contoso_key)
    assert [client.get("/api/v1/offers/").status_code for _ in range(3)] == [200] * 3


# ------------------------------------------------------------------ problem details

def test_malformed_json_is_a_400_problem(api, contoso_key):
    response = api(contoso_key).post("/api/v1/customers/", "{nope",
                                     content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["title"] == "Bad Request"


def test_a_non_json_body_is_a_415_problem(api, contoso_key):
    response = api(contoso_key).post("/api/v1/customers/", "a=b",
                                     content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_problems_speak_the_requests_language(api, contoso_key):
    response = api(contoso_key).get("/api/v1/customers/?status=zz",
                                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] != "Choose a status from the list."


@pytest.mark.parametrize("query", ["cursor=%00", "cursor=!!!", "cursor=W10",
                                   "cursor=W1sicyIsIngiXSxbInMiLCJub3QtYS11dWlkIl1d",
                                   "page_size=abc", "page_size=100000", "sort=%00"])
def test_junk_paging_is_a_400_or_tolerated_never_500(api, contoso_key, adatum, query):
    response = api(contoso_key).get(f"/api/v1/customers/?{query}")
    assert response.status_code in (200, 400)


def test_a_bad_key_is_401_and_records_nothing(api):
    response = api("pc_nothing_secret").get("/api/v1/offers/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is not valid."


# ------------------------------------------------------------------ pagination

def _names(client, url):
    names, cursor = [], None
    while True:
        page = client.get(url + (f"&cursor={cursor}" if cursor else "")).json()
        names.extend(c["name"] for c in page["results"])
        cursor = page["next"]
        if not cursor:
            return names


def test_pages_are_stable_under_inserts(api, contoso_key, contoso):
    for n in range(6):
        factories.CustomerFactory(provider=contoso, organization__name=f"Customer {n * 2}")
    client = api(contoso_key)
    first = client.get("/api/v1/customers/?page_size=3").json()
    assert [c["name"] for c in first["results"]] == ["Customer 0", "Customer 10", "Customer 2"]
    # Rows inserted before and after the cursor: the next page neither repeats nor skips.
    factories.CustomerFactory(provider=contoso, organization__name="Customer 1")
    factories.CustomerFactory(provider=contoso, organization__name="Customer 9")
    rest = client.get(f"/api/v1/customers/?page_size=3&cursor={first['next']}").json()
    assert [c["name"] for c in rest["results"]] == ["Customer 4", "Customer 6", "Customer 8"]


@pytest.mark.parametrize("sort", ["company", "-company", "created_at", "-created_at",
                                  "domain_prefix", "-domain_prefix"])
def test_walking_every_page_sees_each_customer_once(api, contoso_key, contoso, sort):
    for n in range(7):
        factories.CustomerFactory(provider=contoso, organization__name=f"Same name {n % 2}")
    names = _names(api(contoso_key), f"/api/v1/customers/?page_size=2&sort={sort}")
    assert sorted(names) == sorted(f"Same name {n % 2}" for n in range(7))


def test_page_size_defaults_to_50_and_stops_at_200(api, contoso_key, contoso, settings):
    settings.PORTAL_API_PAGE_SIZE, settings.PORTAL_API_MAX_PAGE_SIZE = 2, 3
    for n in range(5):
        factories.CustomerFactory(provider=contoso, organization__name=f"C{n}")
    client = api(contoso_key)
    assert len(client.get("/api/v1/customers/").json()["results"]) == 2
    assert len(client.get("/api/v1/customers/?page_size=3").json()["results"]) == 3
    assert len(client.get("/api/v1/customers/?page_size=4").json()["results"]) == 2


def test_the_customers_list_takes_few_queries(api, contoso_key, contoso, adatum,
                                              django_assert_max_num_queries):
    for _ in range(30):
        factories.CustomerFactory(provider=contoso, reseller=adatum.reseller)
    with django_assert_max_num_queries(6):
        assert api(contoso_key).get("/api/v1/customers/").status_code == 200


# ------------------------------------------------------------------ keys

def test_last_used_is_written_at_most_once_a_minute(api, contoso_admin, contoso,
                                                    django_assert_max_num_queries):
    key, secret = make_key(contoso_admin, contoso)
    client = api(secret)
    client.get("/api/v1/offers/")
    used = ApiKey.objects.get(pk=key.pk).last_used_at
    assert used is not None
    client.get("/api/v1/offers/")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == used


def test_only_a_hash_is_stored(contoso_admin, contoso):
    key, secret = make_key(contoso_admin, contoso)
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert secret not in str(stored)
    assert secret.startswith(key.prefix + "_")
    assert AuditEvent.objects.filter(action="api_key.create", target_id=str(key.pk)).exists()
    assert secret not in str(AuditEvent.objects.values().get(target_id=str(key.pk)))


def test_the_api_keys_page_is_translated_and_lists_keys(login, contoso_admin, contoso):
    make_key(contoso_admin, contoso, name="ERP")
    response = login(contoso_admin).get(reverse("apikeys:list", kwargs={"org_slug": "contoso"}),
                                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "ERP" in response.content.decode()

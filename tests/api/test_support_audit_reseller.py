"""Support requests, audit events, a reseller's providers, customers and incentives
through the API: the pages' reads, services and messages; another tenant's object 404."""

import datetime

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.support.models import SupportMessage, SupportRequest
from apps.support.services import support_request_open
from tests import factories

pytestmark = pytest.mark.django_db


def _open(customer, user, title="Sign-in fails", subscription=None):
    return support_request_open(customer_organization=customer.organization, user=user,
                                title=title, description="Since this morning.",
                                severity="high", subscription=subscription)


@pytest.fixture
def request_for_northwind(adatum, adatum_admin):
    return _open(adatum, adatum_admin)  # no subscription: the delegated reseller handles it


# ------------------------------------------------------------------ support


def test_the_queue_lists_the_requests_each_handles(api, contoso_key, northwind_key,
                                                   request_for_northwind, contoso,
                                                   adatum_admin):
    direct = factories.CustomerFactory(provider=contoso, organization__name="Direct Ltd")
    theirs = _open(direct, factories.member(direct.organization), title="Billing question")
    reseller = api(northwind_key).get("/api/v1/support-requests/").json()["results"]
    assert [r["title"] for r in reseller] == ["Sign-in fails"]
    assert reseller[0]["customer"]["name"] == "Adatum Corporation"
    assert reseller[0]["handled_by"]["name"] == "Northwind Traders"
    provider = api(contoso_key).get("/api/v1/support-requests/").json()["results"]
    assert [r["id"] for r in provider] == [str(theirs.pk)]


def test_queue_filters_and_search_mirror_the_page(api, northwind_key, adatum, adatum_admin):
    first = _open(adatum, adatum_admin, title="Sign-in fails")
    _open(adatum, adatum_admin, title="Licences missing")
    SupportRequest.objects.filter(pk=first.pk).update(status="resolved")
    client = api(northwind_key)
    resolved = client.get("/api/v1/support-requests/?status=resolved").json()["results"]
    assert [r["title"] for r in resolved] == ["Sign-in fails"]
    found = client.get("/api/v1/support-requests/?q=licen").json()["results"]
    assert [r["title"] for r in found] == ["Licences missing"]
    by_customer = client.get("/api/v1/support-requests/?q=adatum").json()["results"]
    assert len(by_customer) == 2
    oldest = client.get("/api/v1/support-requests/?sort=created_at").json()["results"]
    assert [r["title"] for r in oldest] == ["Sign-in fails", "Licences missing"]


def test_junk_queue_filters_are_problems(api, northwind_key):
    response = api(northwind_key).get("/api/v1/support-requests/?status=zz&q=a%00b")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"status", "q"}


def test_a_request_reads_with_its_thread(api, northwind_key, request_for_northwind):
    body = api(northwind_key).get(
        f"/api/v1/support-requests/{request_for_northwind.pk}/").json()
    assert body["severity"] == "high"
    assert [(m["kind"], m["body"]) for m in body["messages"]] == [
        ("opened", "Since this morning.")]
    assert body["messages"][0]["author_email"] == "admin@adatum.test"


def test_another_tenants_request_is_404(api, contoso_key, tailspin_admin, tailspin,
                                        request_for_northwind):
    from tests.api.conftest import make_key

    for secret in (contoso_key, make_key(tailspin_admin, tailspin)[1]):
        client = api(secret)
        url = f"/api/v1/support-requests/{request_for_northwind.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url + "replies/", {"body": "Hi"}, format="json").status_code == 404
        assert client.post(url + "status/", {"status": "resolved"},
                           format="json").status_code == 404
    assert SupportMessage.objects.count() == 1


def test_reply_puts_the_request_in_progress_and_is_audited_with_the_key(
        api, northwind_key, request_for_northwind):
    url = f"/api/v1/support-requests/{request_for_northwind.pk}/replies/"
    response = api(northwind_key).post(url, {"body": "Looking into it."}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["messages"][-1]["body"] == "Looking into it."
    assert body["messages"][-1]["author_organization"]["name"] == "Northwind Traders"
    event = AuditEvent.objects.get(action="support.replied")
    assert event.data["api_key_name"] == "CRM sync"


def test_a_reply_sent_twice_with_one_idempotency_key_is_saved_once(api, northwind_key,
                                                                   request_for_northwind):
    client = api(northwind_key)
    url = f"/api/v1/support-requests/{request_for_northwind.pk}/replies/"
    first = client.post(url, {"body": "On it."}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = client.post(url, {"body": "On it."}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert SupportMessage.objects.filter(kind="reply").count() == 1
    other = client.post(url, {"body": "Other."}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert other.status_code == 409


def test_reply_errors_are_the_forms(api, northwind_key, request_for_northwind):
    url = f"/api/v1/support-requests/{request_for_northwind.pk}/replies/"
    response = api(northwind_key).post(url, {"body": "x" * 10001}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"
    assert "at most 10000 characters" in response.json()["errors"][0]["detail"]
    empty = api(northwind_key).post(url, {"body": "  "}, format="json")
    assert empty.json()["errors"][0]["detail"] == "This field is required."


def test_status_change_is_the_pages(api, northwind_key, request_for_northwind):
    url = f"/api/v1/support-requests/{request_for_northwind.pk}/status/"
    response = api(northwind_key).post(url, {"status": "resolved"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    assert response.json()["resolved_at"] is not None
    assert response.json()["messages"][-1]["kind"] == "status"
    assert AuditEvent.objects.filter(action="support.status_changed").count() == 1
    bad = api(northwind_key).post(url, {"status": "closed"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "status"


# ------------------------------------------------------------------ audit events


def test_audit_events_are_the_organizations_newest_first(api, contoso_key, northwind_key,
                                                         request_for_northwind):
    api(northwind_key).post(f"/api/v1/support-requests/{request_for_northwind.pk}/status/",
                            {"status": "in_progress"}, format="json")
    events = api(northwind_key).get("/api/v1/audit-events/").json()["results"]
    actions = [e["action"] for e in events]
    assert actions[0] == "support.status_changed"
    assert "support.opened" in actions
    assert events[0]["data"]["api_key_prefix"].startswith("pc_")
    assert "support.status_changed" not in [
        e["action"] for e in api(contoso_key).get("/api/v1/audit-events/").json()["results"]]


def test_audit_events_filter_by_action_and_page_by_cursor(api, northwind_key,
                                                          request_for_northwind):
    client = api(northwind_key)
    url = f"/api/v1/support-requests/{request_for_northwind.pk}/replies/"
    for n in range(3):
        client.post(url, {"body": f"Reply {n}"}, format="json")
    page = client.get("/api/v1/audit-events/?action=support.replied&page_size=2").json()
    assert [e["action"] for e in page["results"]] == ["support.replied"] * 2
    rest = client.get(f"/api/v1/audit-events/?action=support.replied&page_size=2"
                      f"&cursor={page['next']}").json()
    assert len(rest["results"]) == 1
    assert rest["next"] is None
    assert client.get("/api/v1/audit-events/?action=" + "x" * 65).status_code == 400


# ------------------------------------------------------------------ reseller side


def test_a_reseller_lists_its_providers(api, northwind_key, northwind, tailspin):
    ended = factories.PartnershipFactory(provider=tailspin, reseller=northwind,
                                         status="ended", ended_at=timezone.now())
    rows = api(northwind_key).get("/api/v1/providers/").json()["results"]
    assert [(r["provider"]["name"], r["status"]) for r in rows] == [
        ("Contoso Distribution", "active"), ("Tailspin Cloud", "ended")]
    only_ended = api(northwind_key).get("/api/v1/providers/?status=ended").json()["results"]
    assert [r["id"] for r in only_ended] == [str(ended.pk)]


def test_a_resellers_customers_are_only_those_delegated_to_it(api, northwind_key, adatum,
                                                              contoso, northwind, fabrikam):
    factories.CustomerFactory(provider=contoso, organization__name="Direct Ltd")
    factories.CustomerFactory(provider=contoso, reseller=fabrikam,
                              organization__name="Fabrikam's Customer")
    pending = factories.CustomerFactory(provider=contoso, reseller=northwind,
                                        organization__name="Still Provisioning",
                                        status="provisioning")
    client = api(northwind_key)
    rows = client.get("/api/v1/customers/").json()["results"]
    assert [c["name"] for c in rows] == ["Adatum Corporation"]
    # Delegated access starts when provisioning completes, as on the pages.
    assert client.get(f"/api/v1/customers/{pending.pk}/").status_code == 404
    assert client.get(f"/api/v1/customers/{adatum.pk}/").status_code == 200


def test_incentives_of_a_month_are_the_csvs_rows(api, northwind_key, adatum, northwind):
    month = timezone.localdate().replace(day=1)
    offer = factories.OfferFactory(code="e3", name="Office E3", unit_price="20.00")
    factories.SubscriptionFactory(customer=adatum, offer=offer, quantity=10,
                                  reseller_of_record=northwind,
                                  term_start=month - datetime.timedelta(days=40))
    factories.SubscriptionFactory(customer=adatum, quantity=3)  # not credited
    rows = api(northwind_key).get("/api/v1/incentives/").json()["results"]
    assert [(r["offer"]["code"], r["licenses"], r["monthly_value"]) for r in rows] == [
        ("e3", 10, "200.00")]
    assert rows[0]["customer"]["name"] == "Adatum Corporation"
    assert rows[0]["provider"]["name"] == "Contoso Distribution"
    earlier = api(northwind_key).get("/api/v1/incentives/?month=2001-01").json()
    assert earlier["results"] == []


@pytest.mark.parametrize("month", ["2026-13", "nope", "2026-1", "2026-011", "%00"])
def test_a_bad_month_is_the_pages_message(api, northwind_key, month):
    response = api(northwind_key).get(f"/api/v1/incentives/?month={month}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == "Enter a month as YYYY-MM."


def test_lists_take_few_queries(api, northwind_key, adatum, adatum_admin,
                                django_assert_max_num_queries):
    for n in range(20):
        _open(adatum, adatum_admin, title=f"Request {n}")
    client = api(northwind_key)
    client.get("/api/v1/offers/")  # the key's last use is written once a minute
    for url in ("/api/v1/support-requests/", "/api/v1/audit-events/", "/api/v1/providers/",
                "/api/v1/incentives/"):
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200
    first = SupportRequest.objects.first()
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/support-requests/{first.pk}/").status_code == 200

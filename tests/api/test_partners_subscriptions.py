"""Partners, partnership requests, a customer's subscriptions and the setup info reveal
through the API: the pages' rules and messages, tenancy, idempotency, audit."""

import pytest

from apps.audit.models import AuditEvent
from apps.orders.models import Order
from apps.orders.services import handover_create
from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.subscriptions.models import Subscription
from tests import factories
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


def _errors(response):
    return {e["field"]: e["detail"] for e in response.json()["errors"]}


# ------------------------------------------------------------------ partners


def test_partners_list_sorts_and_searches_as_the_page(api, contoso_key, northwind,
                                                       fabrikam_partnered, adatum):
    client = api(contoso_key)
    rows = client.get("/api/v1/partners/").json()["results"]
    assert [r["reseller"]["name"] for r in rows] == ["Fabrikam Solutions", "Northwind Traders"]
    assert {r["reseller"]["name"]: r["customer_count"] for r in rows} == {
        "Fabrikam Solutions": 0, "Northwind Traders": 1}
    rows = client.get("/api/v1/partners/?sort=-customer_count").json()["results"]
    assert rows[0]["reseller"]["name"] == "Northwind Traders"
    rows = client.get("/api/v1/partners/?q=north&sort=junk").json()["results"]
    assert [r["reseller"]["name"] for r in rows] == ["Northwind Traders"]
    paged = client.get("/api/v1/partners/?page_size=1&sort=-subscription_count").json()
    assert len(paged["results"]) == 1
    assert paged["next"]


def test_a_reseller_has_no_partners_resource(api, northwind_key):
    assert api(northwind_key).get("/api/v1/partners/").status_code == 404


def test_end_partnership_asks_for_confirmation_then_ends_it(api, contoso_key, northwind,
                                                            adatum, contoso):
    partnership = Partnership.objects.get(provider=contoso, reseller=northwind)
    url = f"/api/v1/partners/{partnership.pk}/end/"
    refused = api(contoso_key).post(url, {}, format="json")
    assert refused.status_code == 400
    assert "confirm" in _errors(refused)
    ended = api(contoso_key).post(url, {"confirm": True}, format="json")
    assert ended.status_code == 200, ended.json()
    assert ended.json()["status"] == "ended"
    adatum.refresh_from_db()
    assert adatum.reseller is None  # the reseller loses access, as on the page
    again = api(contoso_key).post(url, {"confirm": True}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "This partnership has already ended."
    event = AuditEvent.objects.filter(action="partnership.ended",
                                      organization=contoso).get()
    assert event.data["api_key_name"] == "CRM sync"


def test_another_providers_partnership_is_404(api, contoso_key, tailspin, fabrikam):
    theirs = factories.PartnershipFactory(provider=tailspin, reseller=fabrikam)
    response = api(contoso_key).post(f"/api/v1/partners/{theirs.pk}/end/", {"confirm": True},
                                     format="json")
    assert response.status_code == 404
    assert Partnership.objects.get(pk=theirs.pk).status == "active"


# ------------------------------------------------------------------ partnership requests


def test_request_partnership_returns_link_and_draft_once_per_key(api, contoso_key):
    client = api(contoso_key)
    body = {"email": "Owner@Litware.test", "name": "Litware"}
    first = client.post("/api/v1/partnership-invitations/", body, format="json",
                        HTTP_IDEMPOTENCY_KEY="crm-1")
    assert first.status_code == 201, first.json()
    created = first.json()
    assert created["email"] == "owner@litware.test"
    assert "/partnership/" in created["link"] or "/invitation" in created["link"]
    assert created["link"] in created["message"]
    assert created["subject"]
    replay = client.post("/api/v1/partnership-invitations/", body, format="json",
                         HTTP_IDEMPOTENCY_KEY="crm-1")
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == created["id"]
    assert PartnershipInvitation.objects.count() == 1
    other = client.post("/api/v1/partnership-invitations/", {"email": "x@litware.test"},
                        format="json", HTTP_IDEMPOTENCY_KEY="crm-1")
    assert other.status_code == 409
    # Without the key, a second request to the same address: the page's message.
    pending = client.post("/api/v1/partnership-invitations/", body, format="json")
    assert pending.status_code == 400
    assert _errors(pending)["email"] == ("A partnership request to owner@litware.test is "
                                         "already pending. Resend it from the invitations "
                                         "list.")


def test_request_partnership_errors_are_the_forms(api, contoso_key, contoso_sales, contoso):
    response = api(contoso_key).post("/api/v1/partnership-invitations/",
                                     {"email": "not an address"}, format="json")
    assert response.status_code == 400
    assert _errors(response) == {"email": "Enter a valid email address."}
    sales_key = make_key(contoso_sales, contoso)[1]
    assert api(sales_key).post("/api/v1/partnership-invitations/",
                               {"email": "a@b.test"}, format="json").status_code == 403


def test_resend_and_revoke_with_the_pages_rules(api, contoso_key, contoso):
    created = api(contoso_key).post("/api/v1/partnership-invitations/",
                                    {"email": "owner@litware.test"}, format="json").json()
    base = f"/api/v1/partnership-invitations/{created['id']}"
    sent = api(contoso_key).post(f"{base}/resend/")
    assert sent.status_code == 200
    assert sent.json()["send_count"] == 1
    too_soon = api(contoso_key).post(f"{base}/resend/")
    assert too_soon.status_code == 400
    assert too_soon.json()["detail"] == ("It was sent a moment ago. Wait a minute before "
                                         "sending it again.")
    revoked = api(contoso_key).post(f"{base}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    again = api(contoso_key).post(f"{base}/revoke/")
    assert again.json()["detail"] == "Only a pending request can be withdrawn."
    listed = api(contoso_key).get("/api/v1/partnership-invitations/?status=revoked").json()
    assert [i["id"] for i in listed["results"]] == [created["id"]]
    junk = api(contoso_key).get("/api/v1/partnership-invitations/?status=zz")
    assert _errors(junk) == {"status": "Choose a status from the list."}


# ------------------------------------------------------------------ subscriptions


@pytest.fixture
def adatum_sub(adatum, offers):
    return factories.SubscriptionFactory(customer=adatum, offer=offers["basic"], quantity=5)


def _sub_url(subscription, change=""):
    base = f"/api/v1/customers/{subscription.customer_id}/subscriptions/{subscription.pk}/"
    return base + (f"{change}/" if change else "")


def test_subscriptions_of_a_customer_for_its_provider_and_its_reseller(
        api, contoso_key, northwind_key, adatum_sub, tailspin_admin, tailspin, fabrikam_admin,
        fabrikam):
    listing = f"/api/v1/customers/{adatum_sub.customer_id}/subscriptions/"
    for key in (contoso_key, northwind_key):
        rows = api(key).get(listing).json()["results"]
        assert [r["id"] for r in rows] == [str(adatum_sub.pk)]
        assert api(key).get(_sub_url(adatum_sub)).json()["quantity"] == 5
    for user, org in ((tailspin_admin, tailspin), (fabrikam_admin, fabrikam)):
        other = make_key(user, org)[1]
        assert api(other).get(listing).status_code == 404
        assert api(other).get(_sub_url(adatum_sub)).status_code == 404
        assert api(other).post(_sub_url(adatum_sub, "licenses"), {"quantity": 6},
                               format="json").status_code == 404
    assert Subscription.objects.get(pk=adatum_sub.pk).quantity == 5


def test_change_licenses_with_the_pages_messages_and_replay(api, northwind_key, adatum_sub):
    client = api(northwind_key)  # the delegated reseller may change licenses
    url = _sub_url(adatum_sub, "licenses")
    too_many = client.post(url, {"quantity": 301}, format="json")
    assert too_many.status_code == 400
    assert _errors(too_many) == {"quantity": "Business Basic allows 1 to 300 licenses."}
    junk = client.post(url, {"quantity": "many"}, format="json")
    assert _errors(junk) == {"quantity": "Enter a whole number of licenses."}
    changed = client.post(url, {"quantity": 8}, format="json", HTTP_IDEMPOTENCY_KEY="psa-7")
    assert changed.status_code == 200
    assert changed.json()["quantity"] == 8
    replay = client.post(url, {"quantity": 8}, format="json", HTTP_IDEMPOTENCY_KEY="psa-7")
    assert replay["Idempotent-Replayed"] == "true"
    assert client.post(url, {"quantity": 9}, format="json",
                       HTTP_IDEMPOTENCY_KEY="psa-7").status_code == 409
    assert Order.objects.filter(kind="change").count() == 1
    same = client.post(url, {"quantity": 8}, format="json")
    assert same.json()["detail"] == "The subscription already has 8 licenses."
    event = AuditEvent.objects.filter(action="subscription.licenses_changed").first()
    assert event.data["api_key_name"] == "CRM sync"


def test_provider_only_changes_are_404_for_the_reseller(api, northwind_key, adatum_sub, offers):
    for change, body in (("upgrade", {"offer": str(offers["standard"].pk)}), ("suspend", {}),
                         ("support-contact", {}), ("reseller-of-record", {})):
        assert api(northwind_key).post(_sub_url(adatum_sub, change), body,
                                       format="json").status_code == 404


def test_upgrade_suspend_reactivate_auto_renew(api, contoso_key, adatum_sub, offers):
    client = api(contoso_key)
    wrong = client.post(_sub_url(adatum_sub, "upgrade"), {"offer": str(offers["premium"].pk)},
                        format="json")
    assert _errors(wrong) == {"offer": "Choose an offer on this subscription's upgrade path."}
    assert client.post(_sub_url(adatum_sub, "suspend")).json()["status"] == "suspended"
    twice = client.post(_sub_url(adatum_sub, "suspend"))
    assert twice.json()["detail"] == "Only an active subscription can be suspended."
    assert client.post(_sub_url(adatum_sub, "reactivate")).json()["status"] == "active"
    off = client.post(_sub_url(adatum_sub, "auto-renew"), {"auto_renew": False}, format="json")
    assert off.json()["auto_renew"] is False
    junk = client.post(_sub_url(adatum_sub, "auto-renew"), {"auto_renew": "maybe"}, format="json")
    assert _errors(junk) == {"auto_renew": "Choose whether the subscription renews."}
    upgraded = client.post(_sub_url(adatum_sub, "upgrade"), {"offer": str(offers["standard"].pk)},
                           format="json")
    assert upgraded.status_code == 200
    assert upgraded.json()["offer"]["code"] == "standard"
    assert Subscription.objects.get(pk=adatum_sub.pk).status == "upgraded"


def test_support_contact_and_reseller_of_record(api, contoso_key, adatum_sub, northwind, tailspin):
    client = api(contoso_key)
    contact = client.post(_sub_url(adatum_sub, "support-contact"),
                          {"support_contact": str(northwind.pk)}, format="json")
    assert contact.status_code == 200
    assert contact.json()["support_contact"]["name"] == "Northwind Traders"
    stranger = client.post(_sub_url(adatum_sub, "support-contact"),
                           {"support_contact": str(tailspin.pk)}, format="json")
    assert _errors(stranger) == {"support_contact": (
        "Choose your own organization or one of your partnered indirect resellers.")}
    credited = client.post(_sub_url(adatum_sub, "reseller-of-record"),
                           {"reseller_of_record": str(northwind.pk)}, format="json")
    assert credited.json()["reseller_of_record"]["name"] == "Northwind Traders"
    cleared = client.post(_sub_url(adatum_sub, "reseller-of-record"),
                          {"reseller_of_record": None}, format="json")
    assert cleared.json()["reseller_of_record"] is None


def test_add_subscription_orders_with_the_reseller_of_record(api, contoso_key, northwind_key,
                                                             adatum, northwind, offers):
    url = f"/api/v1/customers/{adatum.pk}/subscriptions/"
    line = {"offer": str(offers["standard"].pk), "licenses": 3}
    by_provider = api(contoso_key).post(
        url, {"reseller": str(northwind.pk), "subscriptions": [line]}, format="json",
        HTTP_IDEMPOTENCY_KEY="crm-add-1")
    assert by_provider.status_code == 201, by_provider.json()
    order = Order.objects.get(pk=by_provider.json()["id"])
    assert (order.kind, order.reseller) == ("new_subscription", northwind)
    assert api(contoso_key).post(url, {"reseller": str(northwind.pk), "subscriptions": [line]},
                                 format="json", HTTP_IDEMPOTENCY_KEY="crm-add-1"
                                 ).json()["id"] == str(order.pk)
    # The delegated reseller asks: it is the reseller of record, whatever it sends.
    by_reseller = api(northwind_key).post(url, {"subscriptions": [line]}, format="json")
    assert by_reseller.status_code == 201
    assert Order.objects.get(pk=by_reseller.json()["id"]).reseller == northwind
    bad = api(contoso_key).post(url, {"reseller": "nope", "subscriptions": []}, format="json")
    assert _errors(bad) == {"reseller": "Choose one of your partnered indirect resellers.",
                            "subscriptions": "Select at least one subscription."}


# ------------------------------------------------------------------ setup info


def test_setup_info_is_revealed_once_to_who_submitted(api, contoso, contoso_admin,
                                                      contoso_sales, adatum):
    order = factories.OrderFactory(provider=contoso, customer=adatum, submitted_by=contoso_admin)
    handover_create(order=order, for_user=contoso_admin, username="admin@adatum.test",
                    password="Temp-4711-pass")
    url = f"/api/v1/orders/{order.pk}/setup-info/reveal/"
    sales_key = make_key(contoso_sales, contoso)[1]
    not_yours = api(sales_key).post(url)
    assert not_yours.status_code == 409
    assert not_yours.json()["detail"] == ("Only the person who submitted this order can see "
                                          "the temporary password.")
    key = make_key(contoso_admin, contoso)[1]
    shown = api(key).post(url)
    assert shown.status_code == 200
    assert shown.json()["password"] == "Temp-4711-pass"
    again = api(key).post(url)
    assert again.status_code == 409
    assert again.json()["detail"].startswith("The temporary password was already shown")
    # Never in the order itself.
    assert "Temp-4711-pass" not in api(key).get(f"/api/v1/orders/{order.pk}/").content.decode()


# ------------------------------------------------------------------ query counts


def test_lists_take_a_fixed_number_of_queries(api, contoso_key, contoso, northwind, adatum,
                                              offers, django_assert_max_num_queries):
    for n in range(5):
        reseller = factories.ResellerFactory(name=f"Reseller {n}")
        factories.PartnershipFactory(provider=contoso, reseller=reseller)
        factories.SubscriptionFactory(customer=adatum, offer=offers["basic"],
                                      reseller_of_record=reseller)
    client = api(contoso_key)
    # Key, rate limit and the page's rows: the same count for 1 row or 6.
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/partners/").json()["results"]) == 6
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/v1/customers/{adatum.pk}/subscriptions/"
                              ).json()["results"]) == 5

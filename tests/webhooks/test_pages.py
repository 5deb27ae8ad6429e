"""The Webhooks pages of provider and reseller admins: add an endpoint (clear messages for
a bad URL or no events), see and rotate its secret (confirmed, audited), its delivery log
(paginated, sortable, junk tolerated) with Resend, a test event; another tenant's endpoint
is a 404."""

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

from .conftest import endpoint_for

pytestmark = pytest.mark.django_db


def test_the_menu_shows_webhooks_to_admins_only(client, contoso_admin, contoso_sales,
                                                northwind_admin):
    for user, slug, shown in ((contoso_admin, "contoso", True), (contoso_sales, "contoso", False),
                              (northwind_admin, "northwind", True)):
        client.force_login(user)
        html = client.get(f"/o/{slug}/").content.decode()
        assert (f'href="/o/{slug}/webhooks/"' in html) is shown, user


def test_adding_an_endpoint_shows_its_secret_and_is_audited(production, client, contoso,
                                                            contoso_admin):
    client.force_login(contoso_admin)
    page = client.get("/o/contoso/webhooks/")
    assert "No endpoints yet." in page.content.decode()
    form = client.get("/o/contoso/webhooks/new/").content.decode()
    assert 'value="order.completed"' in form
    assert 'type="checkbox"' in form
    response = client.post("/o/contoso/webhooks/new/", {
        "url": "https://erp.contoso.example/hooks", "description": "ERP",
        "events": ["order.completed", "customer.created"]})
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response.url == f"/o/contoso/webhooks/{endpoint.pk}/"
    assert (endpoint.organization, endpoint.events) == (contoso,
                                                        ["order.completed", "customer.created"])
    secret = services.endpoint_secret(endpoint)
    assert secret.startswith("whsec_")
    assert secret not in endpoint.secret_encrypted  # encrypted at rest
    detail = client.get(response.url).content.decode()
    assert secret in detail
    assert "No deliveries yet." in detail
    assert AuditEvent.objects.filter(action="webhook.endpoint_created", organization=contoso,
                                     actor=contoso_admin).exists()
    listed = client.get("/o/contoso/webhooks/").content.decode()
    assert "https://erp.contoso.example/hooks" in listed


@pytest.mark.parametrize(("post", "field", "message"), [
    ({"url": "http://erp.example.com/hooks", "events": ["order.completed"]}, "url",
     "The URL must start with https://."),
    ({"url": "https://192.168.0.10/hooks", "events": ["order.completed"]}, "url",
     "Webhooks cannot be sent to a private, loopback or reserved address."),
    ({"url": "https://localhost/hooks", "events": ["order.completed"]}, "url",
     "Webhooks cannot be sent to this computer or a private network."),
    ({"url": "not a url", "events": ["order.completed"]}, "url", "Enter a valid URL."),
    ({"url": "https://erp.example.com/\x00", "events": ["order.completed"]}, "url",
     "Null characters are not allowed."),
    ({"url": "https://" + "a" * 2100 + ".example.com/", "events": ["order.completed"]}, "url",
     "at most 2000 characters"),
    ({"url": "https://erp.example.com/hooks"}, "events", "Choose at least one event."),
    ({"url": "https://erp.example.com/hooks", "events": ["order.exploded"]}, "events",
     "Choose events from the list."),
])
def test_a_bad_endpoint_gets_a_clear_message_next_to_the_field(production, client,
                                                                 contoso_admin, post, field,
                                                                 message):
    client.force_login(contoso_admin)
    response = client.post("/o/contoso/webhooks/new/", post)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html.split(f'id="id_{field}_error"', 1)[1][:400]
    assert not WebhookEndpoint.objects.exists()


def test_editing_disables_and_enables_an_endpoint(production, client, contoso, contoso_admin):
    endpoint = WebhookEndpoint.objects.create(
        organization=contoso, url="https://erp.example.com/a", events=["order.completed"],
        secret_encrypted="", failing_since=timezone.now())
    client.force_login(contoso_admin)
    url = f"/o/contoso/webhooks/{endpoint.pk}/edit/"
    assert client.post(url, {"url": "https://erp.example.com/b", "events": ["order.failed"],
                             "description": ""}).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.enabled, endpoint.disabled_reason) == (
        "https://erp.example.com/b", ["order.failed"], False, "admin")
    client.post(url, {"url": "https://erp.example.com/b", "events": ["order.failed"],
                      "enabled": "on"})
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason, endpoint.failing_since) == (True, "",
                                                                                   None)
    assert AuditEvent.objects.filter(action="webhook.endpoint_changed").count() == 2


def test_rotating_the_secret_asks_first(client, contoso, contoso_admin, receiver):
    endpoint = endpoint_for(contoso, receiver, ["order.completed"])
    before = services.endpoint_secret(endpoint)
    client.force_login(contoso_admin)
    url = f"/o/contoso/webhooks/{endpoint.pk}/rotate-secret/"
    page = client.get(url)
    assert "Rotate signing secret?" in page.content.decode()
    assert services.endpoint_secret(WebhookEndpoint.objects.get()) == before
    assert client.post(url).status_code == 302
    after = services.endpoint_secret(WebhookEndpoint.objects.get())
    assert after != before
    assert after.startswith("whsec_")
    assert AuditEvent.objects.filter(action="webhook.secret_rotated").count() == 1


def test_the_delivery_log_pages_and_resends(client, contoso, contoso_admin, adatum, receiver,
                                            on_commit, django_assert_max_num_queries):
    receiver.respond = lambda message_id: 500
    endpoint = endpoint_for(contoso, receiver, ["customer.created"])
    with on_commit():
        for n in range(30):
            services.emit("customer.created", {"n": n}, organizations=[contoso], key=n)
    assert WebhookDelivery.objects.filter(status="pending", response_code=500).count() == 30
    client.force_login(contoso_admin)
    url = f"/o/contoso/webhooks/{endpoint.pk}/"
    with django_assert_max_num_queries(12):
        first = client.get(url)
    html = first.content.decode()
    assert html.count("customer.created</code><div") == 25
    assert "Resend" in html
    assert "500" in html
    with django_assert_max_num_queries(12):
        second = client.get(url + "?page=2&sort=-attempts")
    assert second.content.decode().count("customer.created</code><div") == 5
    for junk in ("?page=999", "?page=abc", "?sort=nope", "?sort=%00", "?page=-1&sort=-"):
        assert client.get(url + junk).status_code == 200
    region = client.get(url + "?page=2", headers={"HX-Request": "true"})
    assert region.content.decode().lstrip().startswith('<div id="deliveries-region"')

    receiver.respond = None
    delivery = WebhookDelivery.objects.first()
    with on_commit():
        response = client.post(f"{url}deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.resends) == ("succeeded", 2, 1)
    assert receiver.accepted() == {("/hooks", delivery.message.message_id): 1}
    assert AuditEvent.objects.filter(action="webhook.delivery_resent").count() == 1


def test_send_test_event(client, contoso, contoso_admin, receiver, on_commit):
    endpoint = endpoint_for(contoso, receiver, ["order.completed"])
    client.force_login(contoso_admin)
    with on_commit():
        response = client.post(f"/o/contoso/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    [got] = receiver.received
    assert got.verified
    assert got.payload["type"] == "webhook.test"
    assert got.payload["data"]["endpoint_id"] == str(endpoint.pk)
    page = client.get(f"/o/contoso/webhooks/{endpoint.pk}/").content.decode()
    assert "webhook.test</code><div" in page
    assert "Succeeded" in page


def test_another_tenants_endpoint_is_a_404(client, contoso, tailspin_admin, northwind_admin,
                                           receiver):
    endpoint = endpoint_for(contoso, receiver, ["order.completed"])
    message = WebhookMessage.objects.create(key="k", type="order.completed", body="{}")
    delivery = WebhookDelivery.objects.create(message=message, endpoint=endpoint)
    for user, slug in ((tailspin_admin, "tailspin"), (northwind_admin, "northwind")):
        client.force_login(user)
        base = f"/o/{slug}/webhooks/{endpoint.pk}/"
        for url in (base, base + "edit/", base + "rotate-secret/", base + "delete/"):
            assert client.get(url).status_code == 404, url
        assert client.post(base + "test/").status_code == 404
        assert client.post(f"{base}deliveries/{delivery.pk}/resend/").status_code == 404
        assert client.post(base + "delete/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_deleting_an_endpoint_asks_first(client, contoso, contoso_admin, receiver):
    endpoint = endpoint_for(contoso, receiver, ["order.completed"])
    client.force_login(contoso_admin)
    url = f"/o/contoso/webhooks/{endpoint.pk}/delete/"
    assert "Delete endpoint?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert AuditEvent.objects.filter(action="webhook.endpoint_deleted").count() == 1

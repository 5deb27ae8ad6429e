"""Webhook events: written with the change, one delivery per listening endpoint, signed
(checked by a real receiver with the Standard Webhooks reference algorithm), retried with
the same id, never sent again once it succeeded, given up and the endpoint disabled (its
admins mailed) after three days of failures."""

import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.outbox.models import OutboxMessage
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery, WebhookMessage
from tests import factories

from .conftest import endpoint_for

pytestmark = pytest.mark.django_db


def deliveries(endpoint):
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).select_related("message"))


def test_emit_writes_one_delivery_per_listening_endpoint_of_the_audience(
        contoso, northwind, fabrikam, adatum, receiver):
    listening = endpoint_for(contoso, receiver, ["customer.created"])
    other_event = endpoint_for(contoso, receiver, ["order.completed"], path="/other")
    reseller = endpoint_for(northwind, receiver, ["customer.created"], path="/northwind")
    stranger = endpoint_for(fabrikam, receiver, ["customer.created"], path="/fabrikam")
    disabled = endpoint_for(contoso, receiver, ["customer.created"], path="/off")
    disabled.enabled = False
    disabled.save()

    written = services.emit("customer.created", adatum, organizations=[contoso, northwind],
                            key=adatum.pk)

    assert written == 2
    assert [len(deliveries(e)) for e in (listening, other_event, reseller, stranger, disabled)] \
        == [1, 0, 1, 0, 0]
    message = WebhookMessage.objects.get()
    assert message.message_id.startswith("msg_")
    body = json.loads(message.body)
    assert body["type"] == "customer.created"
    assert body["data"] == {
        "id": str(adatum.pk), "organization_id": str(adatum.organization_id),
        "name": "Adatum Corporation", "domain_prefix": "adatum", "status": adatum.status,
        "provider_id": str(contoso.pk), "reseller_id": str(northwind.pk),
        "created_at": adatum.created_at.isoformat()}
    # Each delivery goes through the outbox, keyed by the delivery.
    assert OutboxMessage.objects.filter(task="apps.webhooks.tasks.deliver_webhook").count() == 2
    # The same event again (a replayed service) writes nothing more.
    assert services.emit("customer.created", adatum, organizations=[contoso, northwind],
                         key=adatum.pk) == 0
    assert WebhookDelivery.objects.count() == 2
    assert OutboxMessage.objects.filter(task="apps.webhooks.tasks.deliver_webhook").count() == 2


def test_nothing_is_written_when_the_change_rolls_back(contoso, adatum, receiver):
    endpoint_for(contoso, receiver, ["customer.created"])

    def change_that_fails():
        with transaction.atomic():
            services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not WebhookMessage.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_receiver_verifies_the_signature_and_gets_the_event_once(
        local_webhooks, contoso, adatum, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(contoso, receiver, ["customer.created"])
    with django_capture_on_commit_callbacks(execute=True):
        services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)

    [got] = receiver.received
    assert got.verified
    assert got.payload["type"] == "customer.created"
    assert got.payload["data"]["name"] == "Adatum Corporation"
    [delivery] = deliveries(endpoint)
    assert got.message_id == delivery.message.message_id
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 204)
    assert delivery.duration_ms is not None
    # Its task again (a message relayed twice): a delivery that succeeded is not sent again.
    assert services.deliver(delivery_id=delivery.pk) == "skipped"
    assert services.deliver(delivery_id=delivery.pk,
                            now=timezone.now() + timedelta(days=1)) == "skipped"
    assert len(receiver.received) == 1


def test_a_failed_delivery_is_retried_with_the_same_id_and_backs_off(
        local_webhooks, settings, contoso, adatum, receiver, django_capture_on_commit_callbacks):
    settings.PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS = 1
    answers = iter([(500, "x" * 5000), (503, "busy"), 200])
    receiver.respond = lambda message_id: next(answers)
    endpoint = endpoint_for(contoso, receiver, ["customer.created"])
    with django_capture_on_commit_callbacks(execute=True):
        services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
    [delivery] = deliveries(endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert len(delivery.response_body) == 1024  # no more than 1 KB of an answer is kept
    assert delivery.last_error == "HTTP 500"
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 0.8 <= wait <= 1.2  # 1 s, with jitter
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None

    # Not due yet: nothing is sent; the sweep finds nothing.
    assert services.deliver(delivery_id=delivery.pk) == "skipped"
    assert services.webhooks_retry() == 0
    time.sleep(max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds()) + 0.05)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhooks_retry() == 1  # enqueued; the task runs on commit
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 2, 503)
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 1.6 <= wait <= 2.4  # doubled

    assert services.deliver(delivery_id=delivery.pk,
                            now=delivery.next_attempt_at + timedelta(seconds=1)) == "succeeded"
    ids = [r.message_id for r in receiver.received]
    assert len(ids) == 3
    assert len(set(ids)) == 1
    assert receiver.accepted() == {("/hooks", ids[0]): 1}
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_three_days_of_failures_disable_the_endpoint_and_mail_its_admins(
        local_webhooks, contoso, adatum, receiver, django_capture_on_commit_callbacks):
    receiver.respond = lambda message_id: 500
    endpoint = endpoint_for(contoso, receiver, ["customer.created", "order.completed"])
    admin_zh = factories.member(contoso, email="li.na@contoso.test", language="zh-hans")
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
    [delivery] = deliveries(endpoint)
    assert delivery.status == "pending"
    # Two days on: still retried, still enabled.
    assert services.deliver(delivery_id=delivery.pk, now=start + timedelta(days=2)) == "retry"
    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert not mail.outbox
    # Three days after the first failure: the delivery is given up, the endpoint disabled.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver(delivery_id=delivery.pk,
                                now=start + timedelta(days=3, seconds=1)) == "failed"
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == "failed"
    assert (endpoint.enabled, endpoint.disabled_reason) == (False, "failing")
    assert AuditEvent.objects.filter(action="webhook.endpoint_disabled",
                                     organization=contoso).count() == 1
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    admins = set(contoso.memberships.filter(role="admin").values_list("user__email", flat=True))
    assert set(subjects) == admins
    assert subjects[admin_zh.email].startswith("Webhook 终结点已停用")
    assert any(s.startswith("Webhook endpoint disabled") for s in subjects.values())
    # A disabled endpoint gets no new events.
    assert services.emit("customer.created", adatum, organizations=[contoso], key="again") == 0


def test_a_slow_receiver_times_out_and_is_retried(local_webhooks, settings, contoso, adatum,
                                                  receiver, django_capture_on_commit_callbacks):
    settings.PORTAL_WEBHOOKS_TIMEOUT_SECONDS = 0.5
    receiver.respond = lambda message_id: "hang"
    endpoint = endpoint_for(contoso, receiver, ["customer.created"])
    with django_capture_on_commit_callbacks(execute=True):
        services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
    [delivery] = deliveries(endpoint)
    assert delivery.status == "pending"
    assert "timed out" in delivery.last_error
    assert delivery.response_code is None


def test_resend_leaves_a_delivery_being_sent_to_its_worker(settings, contoso, contoso_admin,
                                                           adatum, receiver):
    endpoint = endpoint_for(contoso, receiver, ["customer.created"])
    services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
    now = timezone.now()
    lease = now + timedelta(seconds=settings.PORTAL_WEBHOOKS_LEASE_SECONDS)
    # A worker claimed it and waits for the answer.
    WebhookDelivery.objects.update(attempts=1, last_attempt_at=now, next_attempt_at=lease)
    [delivery] = deliveries(endpoint)
    queued = OutboxMessage.objects.count()
    services.delivery_resend(delivery=delivery, actor=contoso_admin)
    delivery.refresh_from_db()
    assert (delivery.next_attempt_at, delivery.resends) == (lease, 0)
    assert OutboxMessage.objects.count() == queued
    # Once it failed and waits for its retry, Resend sends it now.
    WebhookDelivery.objects.update(next_attempt_at=now + timedelta(minutes=10))
    services.delivery_resend(delivery=delivery, actor=contoso_admin)
    delivery.refresh_from_db()
    assert delivery.resends == 1
    assert OutboxMessage.objects.count() == queued + 1

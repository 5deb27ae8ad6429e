"""A real worker (a `celery worker` subprocess on a private redis-server) is killed while it
waits for the receiver's answer: after the lease the event is sent again with the same
webhook-id and the receiver takes each event exactly once; the events the dead worker had
not started are sent once too."""

import os
import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from apps.outbox.services import outbox_relay
from apps.webhooks import services
from apps.webhooks.models import WebhookDelivery
from partnercenter.celery import app
from tests.outbox.broker import _drop_connections
from tests.outbox.processes import PrivateRedis, WorkerProcess, database_url
from tests.worker import wait_for

from .conftest import endpoint_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not django_settings.REDIS_URL or connection.vendor != "postgresql",
                       reason="needs PostgreSQL and Redis (make test provides them)"),
]

# The claim's lease in the worker: a delivery whose worker died is taken again after it.
LEASE = 4


def test_a_worker_killed_mid_delivery_sends_each_event_once(
        transactional_db, settings, tmp_path, contoso, northwind, adatum, receiver):
    settings.PORTAL_WEBHOOKS_LEASE_SECONDS = LEASE
    endpoint_for(contoso, receiver, ["customer.created"], path="/contoso")
    endpoint_for(northwind, receiver, ["customer.created"], path="/northwind")
    first = []

    def respond(message_id):
        if not first:  # the first request of all hangs: the worker is killed meanwhile
            first.append(message_id)
            return "hang"
        return None

    receiver.respond = respond
    redis = PrivateRedis(tmp_path)
    redis.start()
    worker = WorkerProcess(
        broker_url=redis.url(0), database_url=database_url(connection.settings_dict),
        mail_dir=tmp_path, log_dir=tmp_path,
        extra_env={"PORTAL_WEBHOOKS_ALLOW_LOCAL": "true",
                   "PORTAL_WEBHOOKS_LEASE_SECONDS": str(LEASE)})
    previous_broker = app.conf.broker_url
    _drop_connections()
    app.conf.broker_url = redis.url(0)
    app.conf.task_always_eager = False
    try:
        worker.start()
        with transaction.atomic():
            for n in range(3):
                services.emit("customer.created", {"n": n}, organizations=[contoso, northwind],
                              key=f"{adatum.pk}:{n}")
        assert wait_for(receiver.hanging.is_set, seconds=60), worker.log.read_text()
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(20)
        receiver.release.set()  # the dead worker's connection closes unanswered
        [(path, message_id)] = receiver.hung
        hung = WebhookDelivery.objects.get(message__message_id=message_id,
                                           endpoint__url__endswith=path)
        assert (hung.status, hung.attempts) == ("pending", 1)

        worker.start()
        # Recovery as the beat does it: the outbox sends again what the dead worker took and
        # never finished, and the retry sweep takes the claimed delivery after its lease.
        time.sleep(LEASE + 0.5)
        outbox_relay(now=timezone.now() + timedelta(
            seconds=settings.PORTAL_OUTBOX_REDELIVER_SECONDS + 1))
        services.webhooks_retry()
        assert wait_for(lambda: not WebhookDelivery.objects.exclude(status="succeeded")
                        .exists(), seconds=60), worker.log.read_text()
        time.sleep(1)
        services.webhooks_retry()  # a later sweep finds nothing to send again
        outbox_relay(now=timezone.now() + timedelta(
            seconds=settings.PORTAL_OUTBOX_REDELIVER_SECONDS + 1))
        time.sleep(2)
    finally:
        worker.stop()
        redis.stop()
        _drop_connections()
        app.conf.broker_url = previous_broker
        app.conf.task_always_eager = True

    accepted = receiver.accepted()
    assert len(accepted) == 6  # 3 events to 2 endpoints
    assert set(accepted.values()) == {1}  # each exactly once
    # The hung event was sent again with its id, and taken that time.
    assert accepted[(path, message_id)] == 1
    hung.refresh_from_db()
    assert (hung.status, hung.attempts) == ("succeeded", 2)

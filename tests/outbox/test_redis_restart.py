"""Redis (the broker and the cache) restarted empty while New customer orders are in flight:
every order completes exactly once, every mail goes once per recipient, the user never sees
a 500. Real parts: PostgreSQL, a private redis-server on a free loopback port (never the shared
one), a `celery worker` subprocess on it; the outbox relay, as the beat runs it, is the
recovery path: it sends what Redis could not take, and sends again what Redis took and lost
(a message is done only when its task has run; a short redelivery lease here).

The windows: (1) the order's task and a support request's notification are on the queue, not
yet picked up, when Redis goes and comes back empty; (2) Redis is down when Submit commits (the
relay sends it later); (3) the worker is in the middle of the order's transaction when Redis
goes and comes back."""

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from apps.customers.models import Customer
from apps.orders.models import CredentialHandover, Order
from apps.organizations.roles import Role
from apps.outbox.models import OutboxMessage
from apps.outbox.services import outbox_relay
from apps.provisioning.services import orders_requeue_stuck
from apps.subscriptions.models import Subscription
from apps.support.models import SupportRequest
from partnercenter.celery import app
from tests import factories
from tests.customers.conftest import Wizard, admin_of
from tests.worker import wait_for

from .broker import _drop_connections
from .processes import PrivateRedis, WorkerProcess, database_url, mail_counts

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not django_settings.REDIS_URL or connection.vendor != "postgresql",
                       reason="needs PostgreSQL and Redis (make test provides them)"),
]

ORDERS = {"queued": "fourthcoffee", "down": "margiestravel", "running": "woodgrove",
          "after": "proseware"}
# Seconds a relayed message waits for its task to run before the relay sends it again (the
# relay is called below with a clock moved past it, as the beat would call it later).
LEASE = 60


def signed_in(user):
    client = Client(raise_request_exception=False)  # a 500 is an answer to count here
    client.force_login(user)
    return client


def submit(client, provider, reseller, basic, prefix):
    """The New customer wizard, Submit included; returns Submit's answer."""
    wizard = Wizard(client, provider)
    wizard.start(f"?reseller={reseller.pk}")
    wizard.details(reseller=reseller, domain_prefix=prefix,
                   company_name=f"{prefix.title()} Ltd",
                   contact_email=f"it@{prefix}.example")
    wizard.subscriptions({basic: 5})
    return wizard.submit()


def order_of(prefix):
    return Order.objects.get(customer__domain_prefix=prefix)


def completed(prefix):
    return Order.objects.filter(customer__domain_prefix=prefix,
                                status=Order.Status.COMPLETED).exists()


class HeldAccount:
    """An uncommitted account with the address that provisioning will create, in a connection
    of its own: the worker's INSERT waits on the unique index, inside the order's transaction,
    until `release()` rolls it back."""

    def __init__(self, email, like_user_id):
        self.connection = connections.create_connection("default")
        self.connection.set_autocommit(False)
        with self.connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE held ON COMMIT DROP AS "
                           "SELECT * FROM accounts_user WHERE id = %s", [like_user_id])
            cursor.execute("UPDATE held SET id = -1, email = %s", [email])
            cursor.execute("INSERT INTO accounts_user SELECT * FROM held")

    def release(self):
        self.connection.rollback()
        self.connection.close()


def test_redis_restarted_mid_order_completes_each_order_once(
        transactional_db, settings, tmp_path, provider, provider_admin, reseller,
        reseller_admin, customer, customer_admin, offers):
    started = time.monotonic()
    basic = offers["basic"]
    factories.SubscriptionFactory(customer=customer, offer=basic, support_contact=reseller)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    redis = PrivateRedis(tmp_path)
    redis.start()
    worker = WorkerProcess(
        broker_url=redis.url(0), database_url=database_url(connection.settings_dict),
        mail_dir=mail_dir, log_dir=tmp_path)
    # This process (the web side) uses the private Redis as broker and cache, as production
    # uses one Redis for both.
    caches_before = django_settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "apps.cache.TolerantRedisCache",
                                   "LOCATION": redis.url(1)}}
    settings.PORTAL_OUTBOX_RELAY_SECONDS = 1
    settings.PORTAL_OUTBOX_REDELIVER_SECONDS = LEASE
    settings.PORTAL_ORDER_STUCK_SECONDS = 2
    previous_broker = app.conf.broker_url
    _drop_connections()
    app.conf.broker_url = redis.url(0)
    app.conf.task_always_eager = False
    provider_client, customer_client = signed_in(provider_admin), signed_in(customer_admin)
    answers = {}
    held = None
    try:
        # (1) No worker yet: the order and the support notification are relayed and wait on
        # the queue when Redis stops, and comes back empty.
        answers["submit, queued"] = submit(provider_client, provider, reseller, basic,
                                           ORDERS["queued"]).status_code
        answers["support request, queued"] = customer_client.post(
            "/o/adatum/support/new/", {
                "subscription": "", "title": "Licences missing", "severity": "high",
                "description": "Five licences bought, none assigned."}).status_code
        assert redis.queued() == 2
        assert not OutboxMessage.objects.exclude(status="sent").exists()
        lost = set(OutboxMessage.objects.values_list("pk", flat=True))
        assert len(lost) == 2
        redis.stop()

        # (2) Redis is down: Submit, a support request, a reply and a team invitation are
        # saved and answer as usual.
        answers["submit, redis down"] = submit(provider_client, provider, reseller, basic,
                                               ORDERS["down"]).status_code
        answers["support request, redis down"] = customer_client.post(
            "/o/adatum/support/new/", {
                "subscription": "", "title": "Mailboxes do not sync", "severity": "high",
                "description": "No mail since this morning."}).status_code
        support_request = SupportRequest.objects.get(title="Mailboxes do not sync")
        answers["support reply, redis down"] = customer_client.post(
            f"/o/adatum/support/{support_request.pk}/reply/",
            {"body": "Any news?", "idempotency_key": str(uuid.uuid4())}).status_code
        answers["team invitation, redis down"] = provider_client.post(
            "/o/contoso/team/invite/",
            {"email": "new.colleague@contoso.test", "role": Role.SALES}).status_code
        for prefix in (ORDERS["queued"], ORDERS["down"]):
            order = order_of(prefix)
            answers[f"confirmation {prefix}, redis down"] = provider_client.get(
                f"/o/contoso/orders/{order.pk}/confirmation/").status_code
        answers["orders page, redis down"] = provider_client.get("/o/contoso/orders/").status_code
        assert OutboxMessage.objects.filter(status="pending").count() == 4

        redis.start()  # empty: --save ""
        assert redis.queued() == 0
        worker.start()
        # Recovery as the beat does it: the relay sends what Redis could not take ...
        time.sleep(1.1)  # the pending rows' next attempt (one try: 1 s) is due
        assert outbox_relay() == 4
        assert wait_for(lambda: completed(ORDERS["down"]), seconds=60), worker.log.read_text()
        # ... each of those tasks ran (done), while what Redis lost stays sent, not run ...
        assert wait_for(lambda: set(OutboxMessage.objects.filter(status="sent")
                                    .values_list("pk", flat=True)) == lost,
                        seconds=60), worker.log.read_text()
        assert not OutboxMessage.objects.exclude(status__in=["sent", "done"]).exists()
        assert not completed(ORDERS["queued"])
        assert not [subject for _to, subject in mail_counts(mail_dir)
                    if "Licences missing" in subject]
        # ... until its lease is over: the relay sends it again, and it runs once.
        assert outbox_relay(now=timezone.now() + timedelta(seconds=LEASE + 1)) == 2
        assert wait_for(lambda: completed(ORDERS["queued"]), seconds=60), worker.log.read_text()
        assert wait_for(lambda: not OutboxMessage.objects.exclude(status="done").exists(),
                        seconds=60), worker.log.read_text()
        assert orders_requeue_stuck() == 0  # the sweeper had nothing left to find

        # (3) Redis goes while the worker is inside an order's transaction (held on an
        # account row until Redis is back), and the worker carries on once it is.
        held = HeldAccount(admin_of(ORDERS["running"]), provider_admin.pk)
        answers["submit, worker running"] = submit(provider_client, provider, reseller, basic,
                                                   ORDERS["running"]).status_code
        assert wait_for(lambda: order_of(ORDERS["running"]).status == Order.Status.PROVISIONING,
                        seconds=60), worker.log.read_text()
        time.sleep(0.5)  # the worker waits on the held row now
        redis.stop()
        answers["orders page, worker running"] = provider_client.get(
            "/o/contoso/orders/").status_code
        redis.start()
        held.release()
        held = None
        assert wait_for(lambda: completed(ORDERS["running"]), seconds=60), worker.log.read_text()
        # The worker reconnected: a new order goes through without any help.
        answers["submit, after"] = submit(provider_client, provider, reseller, basic,
                                          ORDERS["after"]).status_code
        assert wait_for(lambda: completed(ORDERS["after"]), seconds=60), worker.log.read_text()
        assert worker.alive()

        # Nothing left to do, and a sweep and a relay later still nothing runs twice.
        time.sleep(2.5)
        assert orders_requeue_stuck() == 0
        assert outbox_relay() == 0
        time.sleep(1)
    finally:
        if held is not None:
            held.release()
        worker.stop()
        redis.stop()
        settings.CACHES = caches_before
        _drop_connections()
        app.conf.broker_url = previous_broker
        app.conf.task_always_eager = True

    # No 500, no error page: every action answered as it does with Redis up.
    assert answers == {name: 302 if name.startswith(("submit", "support", "team")) else 200
                       for name in answers}, answers
    # Each order completed once: one customer, one admin account and credential handover,
    # its subscription once.
    for prefix in ORDERS.values():
        order = order_of(prefix)
        assert order.status == Order.Status.COMPLETED
        assert Customer.objects.filter(domain_prefix=prefix).count() == 1
        assert order.customer.status == Customer.Status.ACTIVE
        assert order.customer.reseller == reseller
        assert CredentialHandover.objects.filter(order=order).count() == 1
        assert Subscription.objects.filter(customer=order.customer).count() == 1
        assert get_user_model().objects.filter(email=admin_of(prefix)).count() == 1
    assert not OutboxMessage.objects.exclude(status="done").exists()
    # Mail: once per recipient and subject.
    sent = mail_counts(mail_dir)
    assert sent
    assert max(sent.values()) == 1, sent
    recipients = Counter(address for address, _subject in sent)
    assert recipients["new.colleague@contoso.test"] == 1
    # The two requests (one lost with the queue, one sent while Redis was down) and the reply.
    assert recipients["admin@northwind.test"] == 3, sent
    assert sent[("admin@northwind.test",
                 "New support request from Adatum Corporation: Licences missing")] == 1, sent
    assert time.monotonic() - started < 240

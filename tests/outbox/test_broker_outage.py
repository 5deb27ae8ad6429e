"""The broker goes away: the five actions that enqueue work still answer success, their
rows and outbox rows are saved, and once the broker is back the relay delivers each piece of
work to a real worker exactly once (PostgreSQL, Redis, a Celery worker thread)."""

import time
import uuid
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.test import Client

from apps.customers.models import Customer
from apps.orders.models import Order
from apps.organizations.models import TeamInvitation
from apps.organizations.roles import Role
from apps.outbox.models import OutboundMail, OutboxMessage
from apps.outbox.services import outbox_relay
from apps.outbox.tasks import relay_outbox
from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_link
from apps.subscriptions.models import Subscription
from apps.support.models import SupportRequest
from partnercenter.celery import app
from tests import factories
from tests.customers.conftest import Wizard
from tests.worker import wait_for

from .broker import broker_down

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="needs Redis (REDIS_URL); make test provides it, CI=true requires it")


@pytest.fixture
def outage_offers(transactional_db):
    return {"basic": factories.OfferFactory(code="basic", name="Business Basic",
                                            unit_price="6.00", min_licenses=1,
                                            max_licenses=300)}


def signed_in(user):
    client = Client(raise_request_exception=False)  # a 500 is an answer to count here
    client.force_login(user)
    return client


def test_the_five_actions_survive_a_broker_outage_and_complete_once_after(
        transactional_db, settings, provider, provider_admin, reseller, reseller_admin,
        customer, customer_admin, outage_offers):
    started = time.monotonic()
    settings.PORTAL_OUTBOX_RELAY_SECONDS = 1
    partnership_invitation = invitation_create(provider=provider,
                                               email="reseller@fabrikam.test",
                                               created_by=provider_admin)
    factories.SubscriptionFactory(customer=customer, support_contact=reseller,
                                  offer=outage_offers["basic"])
    provider_client, customer_client = signed_in(provider_admin), signed_in(customer_admin)
    wizard = Wizard(provider_client, provider)
    app.conf.task_always_eager = False
    try:
        with broker_down():
            wizard.start(f"?reseller={reseller.pk}")
            wizard.details(reseller=reseller)
            wizard.subscriptions({outage_offers["basic"]: 5})
            answers = {
                "wizard submit": wizard.submit(),
                "add subscription": provider_client.post(
                    f"/o/contoso/customers/{customer.pk}/subscriptions/new/",
                    {"offers": [str(outage_offers["basic"].pk)],
                     "idempotency_key": str(uuid.uuid4()), "reseller": str(reseller.pk),
                     f"licenses_{outage_offers['basic'].pk}": "3",
                     # Adatum has Business Basic already: a second subscription, not more
                     # licenses on the first (that would be no order to provision).
                     "duplicates": "separate"}),
                "support request": customer_client.post("/o/adatum/support/new/", {
                    "subscription": "", "title": "Mailboxes do not sync",
                    "severity": "high", "description": "No mail since this morning."}),
                "team invitation": provider_client.post("/o/contoso/team/invite/", {
                    "email": "new.colleague@contoso.test", "role": Role.SALES}),
                "partnership send": provider_client.post(
                    f"/o/contoso/resellers/invitations/{partnership_invitation.pk}/draft/",
                    {"subject": "Partner with us",
                     "body": "Join: " + invitation_link(partnership_invitation)}),
            }
            statuses = {name: response.status_code for name, response in answers.items()}
        # Every action answered as it does with the broker up: a redirect to its next page.
        assert statuses == dict.fromkeys(answers, 302), statuses
        assert Order.objects.filter(status=Order.Status.SUBMITTED).count() == 2
        assert SupportRequest.objects.count() == 1
        assert TeamInvitation.objects.filter(email="new.colleague@contoso.test").count() == 1
        pending = OutboxMessage.objects.filter(status="pending", attempts=1)
        assert pending.count() == 5
        assert all(m.last_error for m in pending)
        assert Counter(m.task.rsplit(".", 1)[1] for m in pending) == {
            "provision_order": 2, "send_support_notification": 1, "send_team_invitation": 1,
            "send_partnership_invitation": 1}
        assert not mail.outbox

        # The broker is back: the beat relay (run here as the beat would send it) hands the
        # rows to the worker, which does the work.
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=10):
            time.sleep(1.1)  # the rows' next attempt (backoff of one try: 1 s) is due
            relay_outbox.delay()
            assert wait_for(lambda: not OutboxMessage.objects.exclude(status="done").exists()
                            and Order.objects.filter(status=Order.Status.COMPLETED).count()
                            == 2 and len(mail.outbox) >= 3, seconds=30), (
                list(OutboxMessage.objects.values_list("task", "status", "last_error")),
                list(Order.objects.values_list("status", flat=True)), len(mail.outbox))
            # Another relay finds nothing left to send: no duplicate.
            assert outbox_relay(now=None) == 0
            relay_outbox.delay()
            time.sleep(1)
    finally:
        app.conf.task_always_eager = True

    # Exactly one provisioning per order, one mail per recipient.
    assert Customer.objects.get(domain_prefix="margiestravel").status == "active"
    assert Subscription.objects.filter(customer__domain_prefix="margiestravel").count() == 1
    assert Subscription.objects.filter(customer=customer).count() == 2
    sent = Counter((m.subject, tuple(m.to)) for m in mail.outbox)
    assert max(sent.values()) == 1, sent
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert "new.colleague@contoso.test" in recipients
    assert "reseller@fabrikam.test" in recipients
    assert "admin@northwind.test" in recipients
    # Each task ran: the five actions', and the analytics count of each provisioned order.
    assert OutboxMessage.objects.filter(status="done").count() == 7
    # Each message named its event; each mail was recorded, one row per recipient, sent.
    assert Counter(m.idempotency_key.split(":")[0] for m in OutboxMessage.objects.all()) == {
        "order": 4, "support-message": 1, "team-invitation": 1, "partnership-invitation": 1}
    mails = list(OutboundMail.objects.values_list("event", "recipient", "status", "attempts"))
    assert len(mails) == len(mail.outbox), (mails, len(mail.outbox))
    assert len({(event, recipient) for event, recipient, _s, _a in mails}) == len(mails)
    assert {(status, attempts) for _e, _r, status, attempts in mails} == {("sent", 1)}
    assert sorted(recipient for _e, recipient, _s, _a in mails) == recipients
    assert time.monotonic() - started < 60

"""The same support reply sent 20 times at once (a double click, a retried request): one
entry in the thread, one notification, one mail."""

import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from apps.outbox.models import OutboxMessage
from apps.support.models import SupportMessage, SupportRequest
from apps.support.services import support_reply, support_request_open
from tests.concurrency import at_once

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL")

SENDERS = 20


@pytest.fixture
def support_request(customer, customer_admin):
    return support_request_open(customer_organization=customer.organization, user=customer_admin,
                                title="Mailboxes do not sync", severity="high",
                                description="Since this morning no mail arrives.")


def reply_key(client, support_request):
    """The key the reply form draws when the page is shown."""
    html = client.get(f"/o/adatum/support/{support_request.pk}/").content.decode()
    marker = 'name="idempotency_key" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def test_a_reply_sent_twice_with_its_key_is_saved_once(db, support_request, customer_admin,
                                                       reseller_admin, customer, on_commit):
    def reply(key):
        return support_reply(support_request=support_request, user=customer_admin,
                             organization=customer.organization, body="Any news?",
                             idempotency_key=key)

    key = uuid.uuid4()
    with on_commit():
        first = reply(key)
        again = reply(key)
    assert again == first
    assert SupportMessage.objects.filter(kind="reply").count() == 1
    assert len(mail.outbox) == 1
    # Without a key (a page drawn before the key existed) each reply is its own.
    reply(None)
    assert SupportMessage.objects.filter(kind="reply").count() == 2


def test_the_reply_form_draws_a_new_key_each_time(client, support_request, customer_admin):
    client.force_login(customer_admin)
    first, second = reply_key(client, support_request), reply_key(client, support_request)
    assert uuid.UUID(first) != uuid.UUID(second)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_of_one_reply_make_one_message_and_one_mail(
        support_request, customer_admin, reseller_admin):
    page = Client()
    page.force_login(customer_admin)
    key = reply_key(page, support_request)
    mail.outbox.clear()
    outbox_before = OutboxMessage.objects.count()

    def signed_in():
        client = Client()
        client.force_login(customer_admin)
        return client

    def send(client):
        return client.post(f"/o/adatum/support/{support_request.pk}/reply/",
                           {"body": "Any news?", "idempotency_key": key}).status_code

    statuses, errors = at_once(send, times=SENDERS, before=signed_in)
    assert not errors, errors
    assert statuses == [302] * SENDERS
    replies = SupportMessage.objects.filter(kind=SupportMessage.Kind.REPLY)
    assert replies.count() == 1
    assert replies.get().idempotency_key == uuid.UUID(key)
    assert OutboxMessage.objects.count() - outbox_before == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@northwind.test"]
    assert "Any news?" in mail.outbox[0].body
    assert SupportRequest.objects.get().messages.count() == 2  # the description, one reply

"""One team invitation sent 20 times at once (a double click, a retried request): one
invitation, one mail, and no 500."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from apps.organizations.models import TeamInvitation
from apps.outbox.models import OutboxMessage
from tests.concurrency import at_once

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL")

SENDERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_invitations_of_one_address_make_one_invitation_and_one_mail(
        provider_admin):
    mail.outbox.clear()
    outbox_before = OutboxMessage.objects.count()

    def signed_in():
        client = Client()
        client.force_login(provider_admin)
        return client

    def invite(client):
        return client.post("/o/contoso/team/invite/",
                           {"email": "New.Colleague@contoso.test", "role": "sales"}).status_code

    statuses, errors = at_once(invite, times=SENDERS, before=signed_in)
    assert not errors, errors
    # One is sent; the others are told the address has been invited already.
    assert sorted(statuses) == [200] * (SENDERS - 1) + [302]
    invitation = TeamInvitation.objects.get()
    assert invitation.email == "new.colleague@contoso.test"
    assert OutboxMessage.objects.count() - outbox_before == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.colleague@contoso.test"]

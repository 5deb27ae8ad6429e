"""enqueue_many: a batch's messages written in the caller's transaction, one per key
however often the batch is written, each relayed once the transaction commits."""

import pytest
from django.core import mail
from django.db import transaction

from apps.organizations.models import TeamInvitation
from apps.organizations.roles import Role
from apps.organizations.tasks import send_team_invitation
from apps.outbox.models import OutboxMessage
from apps.outbox.services import enqueue, enqueue_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_invitations(provider):
    return [TeamInvitation.objects.create(organization=provider, email=f"new{n}@contoso.test",
                                          role=Role.SALES, expires_at="2099-01-01T00:00:00Z")
            for n in range(3)]


def batch(invitations):
    return [(f"team-invitation:{invitation.pk}:send:1",
             {"invitation_id": str(invitation.pk)}) for invitation in invitations]


def test_a_batch_is_sent_once_per_key_after_commit(three_invitations,
                                                   django_capture_on_commit_callbacks):
    # One key written before (by enqueue), one twice in the batch.
    first = three_invitations[0]
    enqueue(send_team_invitation, key=f"team-invitation:{first.pk}:send:1",
            invitation_id=str(first.pk))
    with django_capture_on_commit_callbacks(execute=True):
        written = enqueue_many(send_team_invitation,
                               batch(three_invitations) + batch(three_invitations[1:2]))
        assert written == 2
        assert not mail.outbox  # nothing before commit
    assert OutboxMessage.objects.count() == 3
    # The two new ones went (the first one waits for its own transaction's commit).
    assert sorted(m.to[0] for m in mail.outbox) == ["new1@contoso.test", "new2@contoso.test"]
    statuses = dict(OutboxMessage.objects.values_list("kwargs__invitation_id", "status"))
    assert statuses == {str(first.pk): "pending", str(three_invitations[1].pk): "done",
                        str(three_invitations[2].pk): "done"}
    # The same batch again: nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_many(send_team_invitation, batch(three_invitations)) == 0
    assert OutboxMessage.objects.count() == 3
    assert len(mail.outbox) == 2


def test_a_batch_rolled_back_leaves_nothing(three_invitations):
    def change_that_fails():
        with transaction.atomic():
            enqueue_many(send_team_invitation, batch(three_invitations))
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutboxMessage.objects.exists()

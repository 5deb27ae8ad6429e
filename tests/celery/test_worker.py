"""Background work through a real Celery worker and the Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from apps.organizations.models import TeamInvitation
from apps.organizations.roles import Role
from apps.organizations.services import team_invitation_create
from apps.organizations.tasks import send_team_invitation
from partnercenter.celery import app

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="needs Redis (REDIS_URL); make test provides it, CI=true requires it")


@pytest.fixture
def celery_worker(transactional_db):
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_team_invitation_email_goes_through_the_worker(celery_worker, provider_admin, provider):
    invitation = team_invitation_create(organization=provider, email="colleague@contoso.test",
                                        role=Role.SALES, invited_by=provider_admin)
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent no e-mail"
    message = mail.outbox[0]
    assert message.to == ["colleague@contoso.test"]
    assert "/invitations/team/" in message.body
    # The task got the id only: the link's token is made by the worker, never queued.
    assert str(invitation.pk) not in message.body


def test_withdrawn_invitations_are_not_mailed_by_the_worker(celery_worker, provider_admin,
                                                            provider):
    withdrawn = TeamInvitation.objects.create(
        organization=provider, email="gone@contoso.test", role=Role.SALES,
        status=TeamInvitation.Status.REVOKED, expires_at="2099-01-01T00:00:00Z")
    pending = TeamInvitation.objects.create(
        organization=provider, email="here@contoso.test", role=Role.SALES,
        expires_at="2099-01-01T00:00:00Z")
    send_team_invitation.delay(str(withdrawn.pk))
    send_team_invitation.delay(str(pending.pk))
    send_team_invitation.delay(str(pending.pk))  # a duplicate delivery of the same task
    # One worker process handles the queue in order: once the last mail is there, all ran.
    marker = TeamInvitation.objects.create(
        organization=provider, email="last@contoso.test", role=Role.SALES,
        expires_at="2099-01-01T00:00:00Z")
    send_team_invitation.delay(str(marker.pk))
    assert wait_for(lambda: len(mail.outbox) >= 2)
    assert [m.to for m in mail.outbox] == [["here@contoso.test"], ["last@contoso.test"]]
    pending.refresh_from_db()
    assert pending.mails_sent == 1

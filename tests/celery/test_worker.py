"""Background work through a real Celery worker and the Redis broker."""


import pytest
from django.conf import settings
from django.core import mail

from apps.organizations.models import TeamInvitation
from apps.organizations.roles import Role
from apps.organizations.services import team_invitation_create
from apps.organizations.tasks import send_team_invitation
from tests.worker import wait_for

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="needs Redis (REDIS_URL); make test provides it, CI=true requires it")


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


def test_partnership_request_mail_through_the_worker_once_per_send(celery_worker, provider,
                                                                   provider_admin):
    from apps.partnerships.services import invitation_create, invitation_send
    from apps.partnerships.tasks import send_partnership_invitation
    from apps.partnerships.tokens import invitation_link

    invitation = invitation_create(provider=provider, email="reseller@fabrikam.test",
                                   created_by=provider_admin)
    invitation_send(invitation=invitation, subject="Partner with us",
                    message="Join: " + invitation_link(invitation), actor=provider_admin)
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent no e-mail"
    # Delivered twice (a redelivery after a lost ack): still one mail for one send.
    send_partnership_invitation.delay(str(invitation.pk))
    marker = TeamInvitation.objects.create(organization=provider, email="marker@contoso.test",
                                           role=Role.SALES, expires_at="2099-01-01T00:00:00Z")
    send_team_invitation.delay(str(marker.pk))
    assert wait_for(lambda: len(mail.outbox) == 2)
    assert [m.to for m in mail.outbox] == [["reseller@fabrikam.test"], ["marker@contoso.test"]]
    assert mail.outbox[0].subject == "Partner with us"

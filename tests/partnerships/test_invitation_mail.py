"""The partnership request mail task: idempotent, and delivery failures show on the row."""

from django.core import mail

from apps.outbox.models import OutboundMail
from apps.outbox.services import mail_relay
from apps.partnerships import tasks
from apps.partnerships.models import PartnershipInvitation
from apps.partnerships.services import invitation_send
from apps.partnerships.tokens import invitation_link
from tests.mail_backend import smtp_server


def send(invitation, actor, on_commit):
    with on_commit():
        invitation_send(invitation=invitation, subject="Hello",
                        message="Link: " + invitation_link(invitation), actor=actor)


def test_running_the_task_again_sends_nothing_more(invitation, provider_admin, on_commit):
    send(invitation, provider_admin, on_commit)
    assert tasks.send_partnership_invitation.apply(args=[str(invitation.pk)]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_the_task_takes_only_the_id(invitation, provider_admin, monkeypatch,
                                    django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.send_partnership_invitation, "apply_async",
                        lambda *args, **kwargs: queued.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(invitation=invitation, subject="Hello",
                        message="Link: " + invitation_link(invitation), actor=provider_admin)
    assert queued == [((), {"kwargs": {"invitation_id": str(invitation.pk)}})]


def test_smtp_failures_are_retried_then_shown_on_the_row(invitation, provider_admin,
                                                         on_commit, settings, client):
    with smtp_server(settings) as smtp:
        smtp.down = True
        send(invitation, provider_admin, on_commit)
        invitation.refresh_from_db()
        assert invitation.mails_sent == 1  # the send is handed to the mail path, recorded there
        assert "mail server went away" in invitation.last_error
        row = OutboundMail.objects.get()
        assert row.event == f"partnership-invitation:{invitation.pk}:send:1"
        assert (row.status, row.attempts) == ("pending", 1)
        client.force_login(provider_admin)
        page = client.get("/o/contoso/resellers/invitations/").content.decode()
        assert "Delivery failed: SMTPServerDisconnected: mail server went away" in page

        # A redelivered task sends nothing more; the mail relay tries again, with backoff.
        assert tasks.send_partnership_invitation.apply(
            args=[str(invitation.pk)]).get() == "skipped"
        assert mail_relay(now=row.next_attempt_at) == 0
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 2)
        assert smtp.refused == 2

        smtp.down = False
        assert mail_relay(now=row.next_attempt_at) == 1
    invitation.refresh_from_db()
    assert invitation.last_error == ""
    assert invitation.last_sent_at is not None
    assert len(mail.outbox) == 1
    page = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert "Delivery failed" not in page


def test_a_withdrawn_request_is_not_mailed(invitation, provider_admin):
    PartnershipInvitation.objects.filter(pk=invitation.pk).update(status="revoked",
                                                                  send_count=1)
    assert tasks.send_partnership_invitation.apply(args=[str(invitation.pk)]).get() == "skipped"
    assert not mail.outbox

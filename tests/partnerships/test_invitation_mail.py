"""The partnership request mail task: idempotent, and delivery failures show on the row."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail

from apps.partnerships import tasks
from apps.partnerships.models import PartnershipInvitation
from apps.partnerships.services import invitation_send
from apps.partnerships.tokens import invitation_link


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
                                                         on_commit, monkeypatch, client):
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(tasks, "send_templated", broken)
    with pytest.raises(Retry):  # the worker would run it again later, with backoff
        send(invitation, provider_admin, on_commit)
    invitation.refresh_from_db()
    assert invitation.mails_sent == 0  # the claim was given back: a later retry can send
    assert "mail server went away" in invitation.last_error
    client.force_login(provider_admin)
    page = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert "Delivery failed: SMTPServerDisconnected: mail server went away" in page

    # The last retry gives up with the delivery error.
    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks.send_partnership_invitation.apply(args=[str(invitation.pk)],
                                                retries=tasks.MAX_RETRIES)
    assert len(calls) == 2

    monkeypatch.undo()
    tasks.send_partnership_invitation.apply(args=[str(invitation.pk)])
    invitation.refresh_from_db()
    assert (invitation.mails_sent, invitation.last_error) == (1, "")
    assert len(mail.outbox) == 1


def test_a_withdrawn_request_is_not_mailed(invitation, provider_admin):
    PartnershipInvitation.objects.filter(pk=invitation.pk).update(status="revoked",
                                                                  send_count=1)
    assert tasks.send_partnership_invitation.apply(args=[str(invitation.pk)]).get() == "skipped"
    assert not mail.outbox

"""The one outbound-mail path: each mail is a row (one per recipient) written before it is
sent, claimed so it goes once, recorded when the SMTP server fails, retried by the mail
relay with the outbox's backoff until the ceiling, and sent again by an operator (audited).
PostgreSQL throughout; the SMTP server is tests.mail_backend.FlakyBackend."""

import ast
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.errors import DomainError
from apps.organizations.models import TeamInvitation
from apps.organizations.roles import Role
from apps.organizations.services import team_invitation_create
from apps.organizations.tasks import send_team_invitation
from apps.outbox.models import OutboundMail, OutboxMessage
from apps.outbox.services import (
    backoff,
    enqueue,
    mail_relay,
    mail_send_again,
    outbox_purge,
    send_mail,
)
from apps.outbox.tasks import relay_mail
from apps.provisioning.services import provisioning_enqueue
from apps.support.models import SupportMessage
from apps.support.services import support_request_open
from apps.support.tasks import send_support_notification
from tests import factories
from tests.concurrency import at_once
from tests.mail_backend import smtp_server
from tests.worker import wait_for

CONTEXT = {"link": "https://partnercenter.test/accounts/login/?next=/enrol/"}


@pytest.fixture
def smtp(settings):
    """The SMTP server, up; set `smtp.down = True` to have it refuse every message."""
    settings.PORTAL_OUTBOX_RELAY_SECONDS = 5
    settings.PORTAL_OUTBOX_MAX_BACKOFF_SECONDS = 600
    with smtp_server(settings) as server:
        yield server


def test_each_recipient_gets_a_row_written_before_the_send(db, smtp,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = send_mail("test-event:1", "enrollment_account_exists", CONTEXT,
                         to=["a@example.test", "b@example.test"])
        # Written in the caller's transaction; nothing goes out before it commits.
        assert OutboundMail.objects.filter(status="pending", attempts=0).count() == 2
        assert not mail.outbox
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.test", "b@example.test"]
    assert {row.idempotency_key for row in rows} == {
        "test-event:1:enrollment_account_exists:a@example.test",
        "test-event:1:enrollment_account_exists:b@example.test"}
    for row in OutboundMail.objects.all():
        assert (row.status, row.attempts, row.template, row.language) == (
            "sent", 1, "enrollment_account_exists", "en")
        assert row.sent_at is not None
        assert row.subject == mail.outbox[0].subject
        # The bodies may carry one-time links: not kept once the mail went.
        assert (row.body_text, row.body_html) == ("", "")


def test_an_smtp_failure_is_recorded_retried_with_backoff_and_sent_once(
        db, smtp, django_capture_on_commit_callbacks, caplog):
    smtp.down = True
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("test-event:2", "enrollment_account_exists", CONTEXT, to=["a@example.test"])
    row = OutboundMail.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "SMTPServerDisconnected: mail server went away"
    assert row.next_attempt_at >= started + timedelta(seconds=backoff(1))
    assert "https://partnercenter.test/" in row.body_text  # kept for the next try
    assert [r.message for r in caplog.records if r.name == "apps.outbox.services"] == [
        f"mail: enrollment_account_exists {row.pk} to a@example.test not sent (attempt 1): "
        "SMTPServerDisconnected: mail server went away"]

    # Not due yet: the relay leaves it. Due: tried again, refused again, waits twice as long.
    assert mail_relay(now=row.next_attempt_at - timedelta(seconds=1)) == 0
    due = row.next_attempt_at
    assert mail_relay(now=due) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == due + timedelta(seconds=backoff(2))
    assert backoff(2) == 2 * backoff(1) == 10

    smtp.down = False
    assert mail_relay(now=row.next_attempt_at) == 1
    assert mail_relay(now=row.next_attempt_at + timedelta(days=1)) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert [m.to for m in mail.outbox] == [["a@example.test"]]
    assert smtp.refused == 2


def test_after_the_last_attempt_the_mail_is_failed(db, smtp, settings,
                                                   django_capture_on_commit_callbacks):
    settings.PORTAL_OUTBOX_MAX_ATTEMPTS = 3
    smtp.down = True
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("test-event:3", "enrollment_account_exists", CONTEXT, to=["a@example.test"])
    later = timezone.now() + timedelta(days=1)
    assert mail_relay(now=later) == 0
    assert mail_relay(now=later + timedelta(days=1)) == 0
    row = OutboundMail.objects.get()
    assert (row.status, row.attempts) == ("failed", 3)
    assert mail_relay(now=later + timedelta(days=30)) == 0  # given up: not tried again
    assert OutboundMail.objects.get().attempts == 3
    assert smtp.refused == 3
    assert not mail.outbox


def test_the_same_event_delivered_twice_mails_each_recipient_once(
        provider, provider_admin, customer, customer_admin, on_commit):
    """The support notification task run twice for one message, its own claim given back in
    between (as after a crash): one mail per recipient all the same."""
    factories.member(customer.reseller, Role.HELPDESK, email="helpdesk@northwind.test")
    factories.member(customer.reseller, Role.ADMIN, email="admin@northwind.test")
    support_request = support_request_open(
        customer_organization=customer.organization, user=customer_admin,
        title="Mailboxes do not sync", description="Since this morning.", severity="high")
    message = SupportMessage.objects.get(request=support_request)
    with on_commit():
        send_support_notification.apply(args=[str(message.pk)])
        SupportMessage.objects.filter(pk=message.pk).update(notified_at=None)
        send_support_notification.apply(args=[str(message.pk)])
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["admin@northwind.test", "helpdesk@northwind.test"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert sorted(OutboundMail.objects.values_list("event", "recipient")) == [
        (f"support-message:{message.pk}", "admin@northwind.test"),
        (f"support-message:{message.pk}", "helpdesk@northwind.test")]


def test_a_worker_dying_between_claim_and_mail_leaves_the_claim_undone(
        provider, provider_admin, customer, customer_admin, on_commit, monkeypatch):
    """The task's claim and its mail rows commit together (MailTask): a worker that dies
    after the claim writes neither, so the redelivered task still mails."""
    factories.member(customer.reseller, Role.ADMIN, email="admin@northwind.test")
    support_request = support_request_open(
        customer_organization=customer.organization, user=customer_admin,
        title="Mailboxes do not sync", description="Since this morning.", severity="high")
    message = SupportMessage.objects.get(request=support_request)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("apps.support.tasks.send_mail", killed)
    with pytest.raises(SystemExit):
        send_support_notification(str(message.pk))
    message.refresh_from_db()
    assert message.notified_at is None
    monkeypatch.undo()
    with on_commit():
        assert send_support_notification.apply(args=[str(message.pk)]).get() == "sent"
    assert [m.to for m in mail.outbox] == [["admin@northwind.test"]]


def test_two_workers_meeting_one_event_send_one_mail(transactional_db, smtp):
    results, errors = at_once(
        lambda: send_mail("test-event:race", "enrollment_account_exists", CONTEXT,
                          to=["a@example.test"]), times=6)
    assert not errors, errors
    # Every run answers with the one row.
    assert {rows[0].pk for rows in results} == {OutboundMail.objects.get().pk}
    assert OutboundMail.objects.count() == 1
    assert OutboundMail.objects.get().status == "sent"
    assert len(mail.outbox) == 1


def test_relays_running_at_once_send_each_due_mail_once(transactional_db, smtp):
    smtp.down = True
    addresses = [f"user{n}@example.test" for n in range(8)]
    send_mail("test-event:relays", "enrollment_account_exists", CONTEXT, to=addresses)
    assert OutboundMail.objects.filter(status="pending", attempts=1).count() == 8
    smtp.down = False
    later = timezone.now() + timedelta(hours=1)
    results, errors = at_once(lambda: mail_relay(now=later, batch=3), times=4)
    assert not errors, errors
    assert sum(results) == 8  # each relay takes at most 3; together they take all
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)
    assert set(OutboundMail.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_sent_mails_are_purged_with_the_outbox(db, settings):
    settings.PORTAL_OUTBOX_KEEP_DAYS = 7
    now = timezone.now()

    def row(key, status, sent_days_ago=None):
        return OutboundMail.objects.create(
            idempotency_key=key, event="e", template="t", recipient=f"{key}@example.test",
            language="en", subject="s", status=status,
            sent_at=now - timedelta(days=sent_days_ago) if sent_days_ago is not None else None)

    row("old", "sent", 8)
    kept = {row("recent", "sent", 6).pk, row("pending", "pending").pk,
            row("failed", "failed").pk}
    assert outbox_purge(now=now) == 1
    assert set(OutboundMail.objects.values_list("pk", flat=True)) == kept


def test_the_mail_relay_runs_on_beat_at_the_outbox_pace(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-mail-relay"]
    assert entry["task"] == "apps.outbox.tasks.relay_mail"
    assert entry["schedule"] == settings.CELERY_BEAT_SCHEDULE["outbox-relay"]["schedule"]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_through_a_real_worker_a_failed_mail_is_retried_by_the_beat_relay_and_sent_once(
        celery_worker, smtp, settings, provider, provider_admin):
    settings.PORTAL_OUTBOX_RELAY_SECONDS = 1
    smtp.down = True
    invitation = team_invitation_create(organization=provider, email="new@contoso.test",
                                        role=Role.SALES, invited_by=provider_admin)
    # The worker ran the task: the mail is recorded, refused by the SMTP server.
    assert wait_for(lambda: OutboundMail.objects.filter(last_error__contains="went away")
                    .exists())
    row = OutboundMail.objects.get()
    assert (row.status, row.attempts, row.recipient) == ("pending", 1, "new@contoso.test")
    assert row.event == f"team-invitation:{invitation.pk}:send:1"
    # The task itself succeeded: the outbox does not send it again.
    assert wait_for(lambda: OutboxMessage.objects.filter(status="sent").count() == 1)

    smtp.down = False
    time.sleep(1.1)  # the next attempt (backoff of one try: 1 s) is due
    relay_mail.delay()  # as the beat sends it
    assert wait_for(lambda: OutboundMail.objects.filter(status="sent").exists())
    relay_mail.delay()
    send_team_invitation.delay(str(invitation.pk))  # a duplicate delivery of the task
    time.sleep(1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [["new@contoso.test"]]
    assert "/invitations/team/" in mail.outbox[0].body
    assert smtp.refused == 1


# ---------------------------------------------------------------------- send again


@pytest.fixture
def failed_mail(db, smtp, settings, django_capture_on_commit_callbacks):
    """A team invitation mail that failed its last attempt (the SMTP server is back up)."""
    settings.PORTAL_OUTBOX_MAX_ATTEMPTS = 1
    smtp.down = True
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("test-event:4", "enrollment_account_exists", CONTEXT,
                  to=["invitee@example.test"])
    smtp.down = False
    row = OutboundMail.objects.get()
    assert row.status == "failed"
    return row


def test_an_operator_sends_a_failed_mail_again_once_audited(failed_mail, operator,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_send_again(mail=failed_mail, actor=operator)
    failed_mail.refresh_from_db()
    assert (failed_mail.status, failed_mail.attempts) == ("sent", 1)
    assert [m.to for m in mail.outbox] == [["invitee@example.test"]]
    event = AuditEvent.objects.get(action="outbox.mail_sent_again")
    assert (event.actor, event.target_id) == (operator, str(failed_mail.pk))
    assert event.data["recipient"] == "invitee@example.test"
    assert "mail server went away" in event.data["last_error"]
    with pytest.raises(DomainError):
        mail_send_again(mail=failed_mail, actor=operator)
    assert len(mail.outbox) == 1


def test_the_admin_lists_mails_without_their_bodies_and_sends_again(
        client, signed_in_operator, failed_mail, django_capture_on_commit_callbacks):
    changelist = reverse("admin:outbox_outboundmail_changelist")
    change = reverse("admin:outbox_outboundmail_change", args=[failed_mail.pk])
    for url in (changelist, change):
        html = client.get(url).content.decode()
        assert "invitee@example.test" in html
        assert "SMTPServerDisconnected: mail server went away" in html
        assert "enrollment_account_exists" in html
        assert CONTEXT["link"] not in html
        assert "/enrol/" not in html
    assert "invitee@" in client.get(changelist, {"q": "invitee"}).content.decode()
    assert "invitee@" not in client.get(changelist, {"q": "nobody"}).content.decode()
    assert "invitee@" in client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "invitee@" not in client.get(changelist, {"status__exact": "sent"}).content.decode()
    assert client.post(change, {}).status_code == 403
    assert client.get(reverse("admin:outbox_outboundmail_add")).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "send_again",
                                            "_selected_action": [str(failed_mail.pk)]},
                               follow=True)
    assert "1 mail queued again." in response.content.decode()
    failed_mail.refresh_from_db()
    assert failed_mail.status == "sent"
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="outbox.mail_sent_again",
                                     actor=signed_in_operator).count() == 1
    # A sent mail is not sent again: refused, row by row.
    response = client.post(changelist, {"action": "send_again",
                                        "_selected_action": [str(failed_mail.pk)]}, follow=True)
    assert "Only a failed mail can be sent again." in response.content.decode()
    assert len(mail.outbox) == 1


def test_a_staff_member_who_may_only_view_mails_cannot_send_again(client, failed_mail):
    viewer = factories.UserFactory(email="viewer@example.test", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboundmail"))
    client.force_login(viewer)
    changelist = reverse("admin:outbox_outboundmail_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "send_again", "_selected_action": [str(failed_mail.pk)]})
    failed_mail.refresh_from_db()
    assert failed_mail.status == "failed"
    assert not mail.outbox
    assert not AuditEvent.objects.exists()


def test_members_and_visitors_never_reach_the_mail_admin(client, failed_mail, provider_admin):
    changelist = reverse("admin:outbox_outboundmail_changelist")
    assert client.get(changelist).status_code == 302
    client.force_login(provider_admin)
    response = client.get(changelist)
    assert response.status_code == 302
    assert "login" in response.url


# --------------------------------------------------------------- idempotency keys


def test_replaying_a_service_queues_its_event_once(provider, provider_admin, customer):
    """Each enqueue names its event: a replay of the same event is the same outbox row."""
    invitation = team_invitation_create(organization=provider, email="new@contoso.test",
                                        role=Role.SALES, invited_by=provider_admin)
    order = factories.OrderFactory(provider=customer.provider, customer=customer)
    provisioning_enqueue(str(order.pk))
    provisioning_enqueue(str(order.pk))
    enqueue(send_team_invitation, invitation_id=str(invitation.pk),
            key=f"team-invitation:{invitation.pk}:send:1")
    assert sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == sorted([
        f"order:{order.pk}:provision", f"team-invitation:{invitation.pk}:send:1"])
    assert TeamInvitation.objects.count() == 1


def test_every_enqueue_in_the_apps_names_its_event():
    """Each `enqueue(...)` of the apps passes `key=`: no call relies on a random key."""
    root = Path(__file__).resolve().parents[2] / "apps"
    calls = []
    for path in root.rglob("*.py"):
        if path.parts[-2] == "outbox" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "enqueue"):
                calls.append((f"{path.relative_to(root)}:{node.lineno}",
                              any(k.arg == "key" for k in node.keywords)))
    assert len(calls) >= 15, calls
    assert [where for where, keyed in calls if not keyed] == []


def test_a_replayed_support_notification_queues_once(customer, customer_admin):
    """The service's enqueue run again for the same message (a replay): one outbox row."""
    support_request = support_request_open(
        customer_organization=customer.organization, user=customer_admin,
        title="Mailboxes do not sync", description="Since this morning.", severity="high")
    message = SupportMessage.objects.get(request=support_request)
    for _ in range(2):
        enqueue(send_support_notification, message_id=str(message.pk),
                key=f"support-message:{message.pk}:notify")
    assert list(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == [
        f"support-message:{message.pk}:notify"]

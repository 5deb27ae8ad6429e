"""The outbox: rows written with the change, relayed after commit, retried with backoff,
failed after the last attempt, sent again by an operator (audited)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.errors import DomainError
from apps.organizations.models import TeamInvitation
from apps.organizations.roles import Role
from apps.organizations.tasks import send_team_invitation
from apps.outbox.models import OutboxMessage
from apps.outbox.services import (
    backoff,
    enqueue,
    outbox_purge,
    outbox_relay,
    outbox_send_again,
)
from partnercenter.celery import app

from .broker import broker_down


@pytest.fixture
def team_invitation(provider):
    return TeamInvitation.objects.create(organization=provider, email="new@contoso.test",
                                         role=Role.SALES, expires_at="2099-01-01T00:00:00Z")


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_the_row_is_written_in_the_callers_transaction(team_invitation):
    def change_that_fails():
        with transaction.atomic():
            enqueue(send_team_invitation, invitation_id=str(team_invitation.pk))
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutboxMessage.objects.exists()


def test_eager_mode_runs_the_task_on_commit_and_marks_the_row_done(
        team_invitation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(send_team_invitation, invitation_id=str(team_invitation.pk))
        assert not mail.outbox  # nothing before commit
    assert [m.to for m in mail.outbox] == [["new@contoso.test"]]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.task) == (
        "done", 1, "apps.organizations.tasks.send_team_invitation")
    assert message.kwargs == {"invitation_id": str(team_invitation.pk)}
    assert message.sent_at is not None


def test_an_idempotency_key_writes_one_row(team_invitation):
    first = enqueue(send_team_invitation, key="k1", invitation_id=str(team_invitation.pk))
    second = enqueue(send_team_invitation, key="k1", invitation_id=str(team_invitation.pk))
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_backoff_doubles_up_to_the_ceiling(settings):
    settings.PORTAL_OUTBOX_RELAY_SECONDS = 5
    settings.PORTAL_OUTBOX_MAX_BACKOFF_SECONDS = 60
    assert [backoff(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_an_unreachable_broker_leaves_the_row_pending_with_one_log_line(
        team_invitation, not_eager, django_capture_on_commit_callbacks, caplog):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        message = enqueue(send_team_invitation, invitation_id=str(team_invitation.pk))
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now()
    lines = [r for r in caplog.records if r.name == "apps.outbox.services"]
    assert len(lines) == 1
    assert lines[0].exc_info is None


def test_the_relay_claims_due_rows_backs_off_and_gives_up(
        team_invitation, not_eager, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_OUTBOX_MAX_ATTEMPTS = 3
    later = timezone.now() + timedelta(hours=1)
    with broker_down():
        with django_capture_on_commit_callbacks(execute=True):  # relayed, refused: attempt 1
            message = enqueue(send_team_invitation, invitation_id=str(team_invitation.pk))
        assert outbox_relay(now=later) == 0
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("pending", 2)
        assert message.next_attempt_at == later + timedelta(seconds=backoff(2))
        assert outbox_relay(now=later) == 0  # not due yet: not claimed
        assert outbox_relay(now=message.next_attempt_at) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)


def test_the_relay_sends_due_rows_once(team_invitation, not_eager):
    message = OutboxMessage.objects.create(task=send_team_invitation.name,
                                           kwargs={"invitation_id": str(team_invitation.pk)})
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay() == 1
        # Sent: not again while its task may still run (the lease).
        assert outbox_relay(now=timezone.now() + timedelta(seconds=60)) == 0
    queued.assert_called_once_with(kwargs={"invitation_id": str(team_invitation.pk)},
                                   headers={"portal_outbox_id": str(message.pk)}, retry=False)
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_row_relayed_but_never_run_is_relayed_again_after_the_lease_then_done(
        team_invitation, not_eager, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_OUTBOX_REDELIVER_SECONDS = 300
    message = OutboxMessage.objects.create(task=send_team_invitation.name,
                                           kwargs={"invitation_id": str(team_invitation.pk)})
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay() == 1  # the broker took it, then lost it: the task never ran
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sent", 1)
        assert outbox_relay(now=timezone.now() + timedelta(seconds=290)) == 0  # in its lease
        assert outbox_relay(now=timezone.now() + timedelta(seconds=310)) == 1
    assert queued.call_count == 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert not mail.outbox
    # The second delivery runs, as a worker runs it (with the row's id as a header).
    with django_capture_on_commit_callbacks(execute=True):
        send_team_invitation.apply(kwargs=message.kwargs,
                                   headers=queued.call_args.kwargs["headers"])
    assert [m.to for m in mail.outbox] == [["new@contoso.test"]]
    message.refresh_from_db()
    assert message.status == "done"
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay(now=timezone.now() + timedelta(days=1)) == 0
    queued.assert_not_called()


def test_a_done_row_is_not_relayed_again(team_invitation, not_eager):
    message = OutboxMessage.objects.create(task=send_team_invitation.name,
                                           kwargs={"invitation_id": str(team_invitation.pk)})
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay() == 1
    # The task runs in a worker and returns (here: nothing left to do, "skipped" or not).
    send_team_invitation.apply(kwargs=message.kwargs, headers=queued.call_args.kwargs["headers"])
    message.refresh_from_db()
    assert message.status == "done"
    later = timezone.now() + timedelta(days=1)
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay(now=later) == 0
    queued.assert_not_called()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("done", 1)


def test_a_task_that_fails_leaves_its_row_sent(team_invitation, not_eager):
    message = OutboxMessage.objects.create(task=send_team_invitation.name,
                                           kwargs={"invitation_id": str(team_invitation.pk)})
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay() == 1
    with mock.patch("apps.organizations.tasks.send_mail", side_effect=RuntimeError("smtp")):
        send_team_invitation.apply(kwargs=message.kwargs,
                                   headers=queued.call_args.kwargs["headers"], throw=False)
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_sent_row_that_used_its_last_attempt_fails(team_invitation, not_eager, settings):
    settings.PORTAL_OUTBOX_MAX_ATTEMPTS = 2
    settings.PORTAL_OUTBOX_REDELIVER_SECONDS = 300
    message = OutboxMessage.objects.create(task=send_team_invitation.name,
                                           kwargs={"invitation_id": str(team_invitation.pk)})
    with mock.patch.object(send_team_invitation, "apply_async") as queued:
        assert outbox_relay() == 1
        assert outbox_relay(now=timezone.now() + timedelta(seconds=301)) == 1
        assert outbox_relay(now=timezone.now() + timedelta(seconds=1000)) == 0
    assert queued.call_count == 2
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    assert "never ran" in message.last_error


def test_the_broker_forgets_unacknowledged_tasks_after_the_visibility_timeout(settings):
    assert app.conf.broker_transport_options["visibility_timeout"] == 600
    assert settings.CELERY_TASK_TIME_LIMIT < 600
    assert settings.CELERY_TASK_TIME_LIMIT < settings.PORTAL_OUTBOX_REDELIVER_SECONDS


def test_sent_messages_are_purged_after_the_keeping_days(settings, team_invitation):
    settings.PORTAL_OUTBOX_KEEP_DAYS = 7
    now = timezone.now()
    kwargs = {"invitation_id": str(team_invitation.pk)}

    def row(status, sent_days_ago=None):
        return OutboxMessage.objects.create(
            task=send_team_invitation.name, kwargs=kwargs, status=status,
            sent_at=now - timedelta(days=sent_days_ago) if sent_days_ago is not None else None)

    old_sent, recent_sent = row("sent", 8), row("sent", 6)
    old_done, recent_done = row("done", 8), row("done", 6)
    pending, failed = row("pending"), row("failed")
    assert outbox_purge(now=now) == 2
    assert not OutboxMessage.objects.filter(pk__in=[old_sent.pk, old_done.pk]).exists()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        recent_sent.pk, recent_done.pk, pending.pk, failed.pk}
    assert outbox_purge(now=now) == 0


def test_the_purge_runs_hourly_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-purge"]
    assert (entry["task"], entry["schedule"]) == ("apps.outbox.tasks.purge_outbox", 3600.0)


def test_an_operator_sends_a_failed_message_again(team_invitation, admin_user,
                                                  django_capture_on_commit_callbacks):
    message = OutboxMessage.objects.create(
        task=send_team_invitation.name, kwargs={"invitation_id": str(team_invitation.pk)},
        status="failed", attempts=10, last_error="OperationalError: refused")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_send_again(message=message, actor=admin_user)
    message.refresh_from_db()
    assert message.status == "done"
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="outbox.sent_again")
    assert event.actor == admin_user
    assert event.target_id == str(message.pk)
    with pytest.raises(DomainError):
        outbox_send_again(message=message, actor=admin_user)


def test_the_admin_lists_messages_and_sends_again(client, admin_user, team_invitation,
                                                  django_capture_on_commit_callbacks):
    message = OutboxMessage.objects.create(
        task=send_team_invitation.name, kwargs={"invitation_id": str(team_invitation.pk)},
        status="failed", attempts=10, last_error="OperationalError: refused")
    client.force_login(admin_user)
    page = client.get("/admin/outbox/outboxmessage/")
    assert page.status_code == 200
    assert "send_team_invitation" in page.content.decode()
    assert client.get(f"/admin/outbox/outboxmessage/{message.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/outbox/outboxmessage/",
                               {"action": "send_again", "_selected_action": [str(message.pk)]},
                               follow=True)
    assert "1 message queued again." in response.content.decode()
    message.refresh_from_db()
    assert message.status == "done"

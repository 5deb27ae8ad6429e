"""Directory mails: ids only, sent once however often a task runs, retried on SMTP errors."""

import pytest
from django.core import mail

from apps.outbox.models import OutboundMail
from apps.outbox.services import mail_relay
from apps.providers import services, tasks
from apps.providers.models import ProfileChangeRequest
from tests import factories
from tests.mail_backend import smtp_server


@pytest.fixture
def submitted_change(published, provider_admin, operator):
    """Contoso asks, through the service, to be Contoso Cloud and listed in Germany too."""
    return services.profile_change_submit(
        provider=published, submitted_by=provider_admin, company_name="Contoso Cloud",
        locations=[("US", "https://contoso.example/us"), ("DE", "https://contoso.example/de")])


def test_tasks_are_queued_with_the_id_only(published, provider_admin, operator, monkeypatch,
                                           django_capture_on_commit_callbacks):
    queued = []
    for task in (tasks.send_profile_change_submitted, tasks.send_profile_change_decision):
        monkeypatch.setattr(task, "apply_async", lambda *a, _t=task, **k: queued.append(
            (_t.name.rsplit(".", 1)[1], a, k)))
    with django_capture_on_commit_callbacks(execute=True):
        change_request = services.profile_change_submit(
            provider=published, submitted_by=provider_admin, company_name="Contoso Cloud",
            locations=[("US", "https://contoso.example/us")])
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_change_approve(change_request=change_request, actor=operator)
    pk = str(change_request.pk)
    assert queued == [("send_profile_change_submitted", (), {"kwargs": {"change_request_id": pk}}),
                      ("send_profile_change_decision", (), {"kwargs": {"change_request_id": pk}})]


def test_running_a_task_again_sends_nothing_more(submitted_change, operator, on_commit):
    pk = str(submitted_change.pk)
    with on_commit():
        assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "sent"
        assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    # No decision yet: nothing to tell the provider.
    assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "skipped"
    services.profile_change_reject(change_request=submitted_change, reason="No.", actor=operator)
    with on_commit():
        assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "sent"
        assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "skipped"
    assert len(mail.outbox) == 2
    # Even with its claim given back, the task's mail is written and sent once.
    ProfileChangeRequest.objects.filter(pk=pk).update(provider_notified_at=None)
    with on_commit():
        assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "sent"
    assert len(mail.outbox) == 2
    assert OutboundMail.objects.filter(status="sent").count() == 2


def test_only_active_staff_and_the_providers_active_admins_are_mailed(
        submitted_change, operator, provider, provider_sales, django_user_model, on_commit):
    django_user_model.objects.create_user("former-ops@partnercenter.test", "x" * 12,
                                          is_staff=True, is_active=False)
    factories.member(provider, email="former-admin@contoso.test", is_active=False)
    with on_commit():
        tasks.send_profile_change_submitted.apply(args=[str(submitted_change.pk)])
    assert mail.outbox[-1].to == ["ops@partnercenter.test"]
    services.profile_change_approve(change_request=submitted_change, actor=operator)
    with on_commit():
        tasks.send_profile_change_decision.apply(args=[str(submitted_change.pk)])
    assert mail.outbox[-1].to == ["admin@contoso.test"]
    assert "<a href=" in mail.outbox[-1].alternatives[0][0]


def test_nobody_to_tell_is_logged_not_failed(published, provider_admin, caplog):
    change_request = services.profile_change_submit(
        provider=published, submitted_by=provider_admin, company_name="Contoso Cloud",
        locations=[("US", "https://contoso.example/us")])
    assert tasks.send_profile_change_submitted.apply(
        args=[str(change_request.pk)]).get() == "no recipients"
    assert "nobody to tell" in caplog.text
    assert not mail.outbox


def test_smtp_failures_are_recorded_and_retried_by_the_mail_relay(submitted_change, settings,
                                                                   on_commit):
    pk = str(submitted_change.pk)
    with smtp_server(settings) as smtp:
        smtp.down = True
        with on_commit():
            assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "sent"
        row = OutboundMail.objects.get()
        assert (row.status, row.attempts, row.recipient) == ("pending", 1,
                                                              "ops@partnercenter.test")
        assert "SMTPServerDisconnected: mail server went away" in row.last_error
        # The task's work is done (its claim kept): running it again writes nothing more.
        with on_commit():
            assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "skipped"
        assert ProfileChangeRequest.objects.get(pk=pk).operators_notified_at is not None
        smtp.down = False
        assert mail_relay(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert [m.to for m in mail.outbox] == [["ops@partnercenter.test"]]


def test_a_missing_request_is_skipped(db):
    import uuid

    assert tasks.send_profile_change_submitted.apply(args=[str(uuid.uuid4())]).get() == "skipped"
    assert tasks.send_profile_change_decision.apply(args=[str(uuid.uuid4())]).get() == "skipped"

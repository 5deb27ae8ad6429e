"""Directory mails: ids only, sent once however often a task runs, retried on SMTP errors."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail

from apps.providers import services, tasks
from apps.providers.models import ProfileChangeRequest
from tests import factories


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


def test_running_a_task_again_sends_nothing_more(submitted_change, operator):
    pk = str(submitted_change.pk)
    assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "sent"
    assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    # No decision yet: nothing to tell the provider.
    assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "skipped"
    services.profile_change_reject(change_request=submitted_change, reason="No.", actor=operator)
    assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "sent"
    assert tasks.send_profile_change_decision.apply(args=[pk]).get() == "skipped"
    assert len(mail.outbox) == 2


def test_only_active_staff_and_the_providers_active_admins_are_mailed(
        submitted_change, operator, provider, provider_sales, django_user_model):
    django_user_model.objects.create_user("former-ops@partnercenter.test", "x" * 12,
                                          is_staff=True, is_active=False)
    factories.member(provider, email="former-admin@contoso.test", is_active=False)
    tasks.send_profile_change_submitted.apply(args=[str(submitted_change.pk)])
    assert mail.outbox[-1].to == ["ops@partnercenter.test"]
    services.profile_change_approve(change_request=submitted_change, actor=operator)
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


def test_smtp_failures_are_retried_and_the_claim_given_back(submitted_change, monkeypatch):
    pk = str(submitted_change.pk)
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(tasks, "send_templated", broken)
    with pytest.raises(Retry):
        tasks.send_profile_change_submitted.apply(args=[pk], throw=True)
    assert ProfileChangeRequest.objects.get(pk=pk).operators_notified_at is None
    with pytest.raises(smtplib.SMTPServerDisconnected):
        tasks.send_profile_change_submitted.apply(args=[pk], retries=tasks.MAX_RETRIES,
                                                  throw=True)
    assert len(calls) == 2
    monkeypatch.undo()
    assert tasks.send_profile_change_submitted.apply(args=[pk]).get() == "sent"
    assert ProfileChangeRequest.objects.get(pk=pk).operators_notified_at is not None


def test_a_missing_request_is_skipped(db):
    import uuid

    assert tasks.send_profile_change_submitted.apply(args=[str(uuid.uuid4())]).get() == "skipped"
    assert tasks.send_profile_change_decision.apply(args=[str(uuid.uuid4())]).get() == "skipped"

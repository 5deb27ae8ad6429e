"""The audit log is append-only and each organization reads only its own events."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AppendOnlyError, AuditEvent
from apps.audit.services import record


@pytest.fixture
def event(provider, provider_admin):
    return record(actor=provider_admin, organization=provider, action="test.happened",
                  target=provider, data={"password": "hunter2", "note": "kept"})


def test_record_masks_secrets(event):
    assert event.data == {"password": "***", "note": "kept"}
    assert event.actor_email == "admin@contoso.test"
    assert event.target_type == "organizations.organization"


def test_events_cannot_be_changed_or_deleted(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_raw_updates_too(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'tampered'")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"


def test_audit_page_lists_own_events_newest_first_paginated(client, provider, provider_admin,
                                                            other_provider):
    for n in range(60):
        record(actor=provider_admin, organization=provider, action=f"test.step{n:02d}")
    record(actor=None, organization=other_provider, action="test.elsewhere")
    client.force_login(provider_admin)
    first = client.get("/o/contoso/audit/")
    html = first.content.decode()
    assert html.index("test.step59") < html.index("test.step58")
    assert "test.step09" not in html  # on page 2
    assert "test.elsewhere" not in html
    assert "Page 1 of 2" in html
    second = client.get("/o/contoso/audit/?page=2").content.decode()
    assert "test.step00" in second


def test_empty_audit_log_says_so(client, provider_admin):
    client.force_login(provider_admin)
    assert "Nothing has happened yet." in client.get("/o/contoso/audit/").content.decode()


def test_operators_read_the_log_in_the_admin_but_cannot_change_it(client, event,
                                                                  django_user_model):
    operator = django_user_model.objects.create_superuser("ops@example.test", "Ops-pass-2026!")
    client.force_login(operator)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403

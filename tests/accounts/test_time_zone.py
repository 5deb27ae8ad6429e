"""The time zone preference: dates and times on pages in the user's zone."""

from datetime import UTC, datetime

from apps.audit.models import AuditEvent
from apps.i18n import time_zone_for_country
from apps.organizations.middleware import user_time_zone


def test_the_default_zone_comes_from_the_organization_s_country():
    assert time_zone_for_country("CN") == "Asia/Shanghai"
    assert time_zone_for_country("us") == "America/New_York"
    assert time_zone_for_country("") == "UTC"
    assert time_zone_for_country("AQ") == "UTC"


def test_a_saved_zone_wins_over_the_organization_s(provider, provider_admin):
    provider.country = "CN"
    assert user_time_zone(provider_admin, provider) == "Asia/Shanghai"
    provider_admin.time_zone = "Europe/Paris"
    assert user_time_zone(provider_admin, provider) == "Europe/Paris"


def test_a_user_in_shanghai_sees_audit_times_eight_hours_ahead(client, provider,
                                                               provider_admin):
    AuditEvent.objects.create(organization=provider, action="test.happened",
                              at=datetime(2026, 11, 30, 2, 15, tzinfo=UTC))
    provider_admin.time_zone = "UTC"
    provider_admin.save(update_fields=["time_zone"])
    client.force_login(provider_admin)
    html = client.get("/o/contoso/audit/").content.decode()
    assert "02:15" in html

    provider_admin.time_zone = "Asia/Shanghai"
    provider_admin.save(update_fields=["time_zone"])
    html = client.get("/o/contoso/audit/").content.decode()
    assert "10:15" in html
    assert "02:15" not in html


def test_without_a_saved_zone_the_workspace_s_country_decides(client, provider,
                                                              provider_admin):
    provider.country = "CN"
    provider.save(update_fields=["country"])
    AuditEvent.objects.create(organization=provider, action="test.happened",
                              at=datetime(2026, 11, 30, 2, 15, tzinfo=UTC))
    client.force_login(provider_admin)
    assert "10:15" in client.get("/o/contoso/audit/").content.decode()


def test_the_account_page_saves_a_zone_from_the_list(client, provider_admin):
    client.force_login(provider_admin)
    page = client.get("/accounts/time-zone/").content.decode()
    assert "Asia/Shanghai" in page
    response = client.post("/accounts/time-zone/", {"time_zone": "Asia/Shanghai"})
    assert response.status_code == 302
    provider_admin.refresh_from_db()
    assert provider_admin.time_zone == "Asia/Shanghai"
    response = client.post("/accounts/time-zone/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    provider_admin.refresh_from_db()
    assert provider_admin.time_zone == "Asia/Shanghai"


def test_the_account_page_speaks_chinese(client, provider_admin):
    provider_admin.language = "zh-hans"
    provider_admin.save(update_fields=["language"])
    client.force_login(provider_admin)
    page = client.get("/accounts/time-zone/").content.decode()
    assert "时区" in page

"""Operations: no caching of signed-in pages, the client's address behind trusted proxies,
liveness and readiness, one-line 403s, the CSRF failure page, and the limits set from the
environment (e-mail timeout, task time limits)."""

import io
import logging
import re
from pathlib import Path

import pytest
from django.db import OperationalError
from django.template.loader import get_template
from django.test import Client, RequestFactory

from apps.audit.models import AuditEvent
from apps.http import client_ip
from tests import factories
from tests.providers.images import publish_logo
from tests.test_settings_modes import run_django

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------ Cache-Control


def _no_store(response):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.mark.parametrize("path", [
    "/o/contoso/", "/o/contoso/team/", "/o/contoso/customers/", "/o/contoso/profile/",
    "/o/contoso/audit/", "/accounts/password/change/", "/directory/",
    "/o/contoso/no-such-page/", "/o/tailspin/", "/",
])
def test_every_signed_in_response_is_private_and_not_stored(client, provider_admin,
                                                             other_provider, path):
    client.force_login(provider_admin)
    response = client.get(path)
    assert _no_store(response), (path, response.status_code, response.get("Cache-Control"))


def test_csv_downloads_are_not_stored(client, reseller_admin):
    client.force_login(reseller_admin)
    response = client.get("/o/northwind/incentives.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert _no_store(response)


def test_a_forbidden_answer_to_a_signed_in_user_is_not_stored(client, provider):
    sales = factories.member(provider, "sales", email="sales@contoso.test")
    client.force_login(sales)
    response = client.get("/o/contoso/team/invite/")
    assert response.status_code == 403
    assert _no_store(response)


def test_the_public_directory_keeps_its_own_caching(client, provider):
    response = client.get("/directory/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_logos_keep_their_caching_for_signed_in_users_too(client, provider, provider_admin):
    logo = publish_logo(provider)
    client.force_login(provider_admin)
    response = client.get(f"/directory/logos/{logo.pk}.png")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_static_files_keep_their_caching(provider_admin, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as with DEBUG
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_MAX_AGE = 600
    client = Client()  # a new handler: WhiteNoise reads its settings when it is built
    client.force_login(provider_admin)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=600, public"


# ------------------------------------------------------------------ the client's address


def _request(remote="10.0.0.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(("count", "remote", "forwarded", "expected"), [
    (0, "10.0.0.9", None, "10.0.0.9"),
    (0, "10.0.0.9", "203.0.113.7", "10.0.0.9"),             # no proxy trusted: header ignored
    (1, "10.0.0.9", "203.0.113.7", "203.0.113.7"),
    (1, "10.0.0.9", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client wrote 6.6.6.6
    (2, "10.0.0.9", "6.6.6.6, 203.0.113.7, 10.0.0.8", "203.0.113.7"),
    (2, "10.0.0.9", "203.0.113.7", "10.0.0.9"),             # fewer hops than proxies
    (1, "10.0.0.9", "", "10.0.0.9"),
    (1, "10.0.0.9", None, "10.0.0.9"),
    (1, "10.0.0.9", "unknown", "10.0.0.9"),                 # not an address
    (1, "10.0.0.9", "203.0.113.7\x00", "10.0.0.9"),
    (1, "10.0.0.9", " 2001:DB8::1 ", "2001:db8::1"),
    (1, "10.0.0.9", "[2001:db8::1]:443", "2001:db8::1"),
    (0, "", None, None),
])
def test_client_ip_trusts_as_many_proxies_as_configured(settings, count, remote, forwarded,
                                                       expected):
    settings.PORTAL_TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(remote, forwarded)) == expected


def test_allauth_counts_the_same_address(settings):
    from allauth.account.adapter import get_adapter

    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    request = _request("10.0.0.9", "6.6.6.6, 203.0.113.7")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"
    # A header shorter than the proxy count is REMOTE_ADDR, not allauth's ImproperlyConfigured.
    settings.PORTAL_TRUSTED_PROXY_COUNT = 3
    assert get_adapter(request).get_client_ip(request) == "10.0.0.9"


def test_the_proxy_count_comes_from_the_environment_for_allauth_too():
    result = run_django(
        "from django.conf import settings as s;"
        "from allauth import app_settings as a;"
        "print(s.PORTAL_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT, a.TRUSTED_PROXY_COUNT)",
        PORTAL_TRUSTED_PROXY_COUNT="2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "2"]
    result = run_django("from django.conf import settings as s;"
                        "print(s.PORTAL_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)")
    assert result.stdout.split() == ["0", "0"]


def test_no_remote_addr_is_read_outside_client_ip():
    readers = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "apps").rglob("*.py"))
               if "REMOTE_ADDR" in path.read_text() and path.name != "http.py"]
    assert not readers, f"read the client's address with apps.http.client_ip: {readers}"


PROXY = "10.0.0.2"  # every request reaches the portal from the reverse proxy


def test_enrolment_rate_limit_counts_each_client_behind_the_proxy(client, db, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    settings.PORTAL_ENROL_PER_HOUR = 2
    busy = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for _ in range(2):
        assert client.post("/resellers/enrol/", {}, **busy).status_code == 200
    assert client.post("/resellers/enrol/", {}, **busy).status_code == 429
    # Another client behind the same proxy is not locked out by the first one.
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert client.post("/resellers/enrol/", {}, **other).status_code == 200


def test_failed_sign_ins_are_counted_per_client_behind_the_proxy(client, provider_admin,
                                                                 settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/m/ip"}
    wrong = {"login": "nobody@example.test", "password": "Wrong-pass-2026"}

    def sign_in(address):
        return client.post("/accounts/login/", wrong, REMOTE_ADDR=PROXY,
                           HTTP_X_FORWARDED_FOR=address)

    for _ in range(3):
        sign_in("203.0.113.7")
    assert b"Too many failed login attempts" in sign_in("203.0.113.7").content
    assert b"Too many failed login attempts" not in sign_in("198.51.100.4").content


def test_the_audit_log_records_the_client_address_behind_the_proxy(client, provider_admin,
                                                                   settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    client.force_login(provider_admin)
    response = client.post("/o/contoso/team/invite/",
                           {"email": "new@contoso.test", "role": "sales"},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert response.status_code == 302
    event = AuditEvent.objects.latest("at")
    assert event.ip == "203.0.113.7"


# ------------------------------------------------------------------ liveness and readiness


def test_readyz_is_ok_when_everything_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "static"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


class _DownConnection:
    def cursor(self):
        raise OperationalError("connection refused")


def test_readyz_names_the_database_when_it_is_down(client, db, monkeypatch):
    monkeypatch.setattr("apps.health.connection", _DownConnection())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["database"] == "error: OperationalError"
    # Liveness does not depend on what the process talks to.
    assert client.get("/healthz").status_code == 200


def test_readyz_names_the_cache_when_it_is_down(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("apps.health.cache.set", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_readyz_names_the_broker_when_it_does_not_answer(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_reaches_a_broker_that_answers(client, db, settings):
    redis_url = settings.REDIS_URL
    if not redis_url:
        pytest.skip("no Redis in this run")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == "ok"


def test_readyz_skips_the_broker_when_tasks_run_eagerly(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert client.get("/readyz").json()["checks"]["broker"] == "skipped"


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    return tmp_path


def test_readyz_names_the_static_files_when_the_manifest_is_missing(client, db,
                                                                   production_static):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["static"]


def test_readyz_is_ok_with_a_collected_manifest(client, db, production_static):
    (production_static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    response = client.get("/readyz")
    assert response.json()["checks"]["static"] == "ok"


def test_readyz_answers_a_user_who_must_change_the_password(client, provider_admin):
    provider_admin.must_change_password = True
    provider_admin.save()
    client.force_login(provider_admin)
    assert client.get("/readyz").status_code == 200


# ------------------------------------------------------------------ logging


@pytest.fixture
def console_log():
    """What the console handler of settings.LOGGING writes, as text."""
    handlers = [h for h in logging.getLogger().handlers
                if isinstance(h, logging.StreamHandler) and h.filters]
    assert handlers, "the root logger has no filtered console handler"
    stream = io.StringIO()
    previous = [h.setStream(stream) for h in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


def test_a_403_is_logged_on_one_line(client, provider, console_log):
    sales = factories.member(provider, "sales", email="sales@contoso.test")
    client.force_login(sales)
    assert client.get("/o/contoso/team/invite/").status_code == 403
    lines = [line for line in console_log.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Forbidden" in lines[0]
    assert "/o/contoso/team/invite/" in lines[0]
    assert "Traceback" not in console_log.getvalue()


def test_a_400_is_logged_on_one_line(client, provider_admin, console_log):
    client.force_login(provider_admin)
    client.raise_request_exception = False
    response = client.post("/o/contoso/profile/request/", {"locations-TOTAL_FORMS": "9" * 30})
    assert response.status_code == 400
    assert "Traceback" not in console_log.getvalue()
    assert len(console_log.getvalue().strip().splitlines()) == 1


def test_a_server_error_keeps_its_traceback(console_log):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console_log.getvalue()


# ------------------------------------------------------------------ the CSRF failure page


def test_a_stale_form_gets_the_styled_csrf_page(provider_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider_admin)
    response = client.post("/o/contoso/team/invite/", {"email": "x@contoso.test",
                                                       "role": "sales"})
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403_csrf.html", "base.html"]
    html = response.content.decode()
    assert "Reload the page and try again." in html
    assert "<main" in html
    assert 'lang="en"' in html
    assert "admin@contoso.test" in html  # the site's top bar, as on every page
    assert _no_store(response)


def test_the_csrf_page_answers_anonymous_visitors_too(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@b.test", "password": "x"})
    assert response.status_code == 403
    assert "Reload the page and try again." in response.content.decode()


def test_every_string_of_the_csrf_page_is_translatable():
    source = Path(get_template("403_csrf.html").origin.name).read_text()
    text = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", " ", source)
    assert not text.split(), f"untranslated text in 403_csrf.html: {text.split()}"


# ------------------------------------------------------------------ limits from the environment


def test_email_timeout_and_task_time_limits_have_defaults():
    result = run_django(
        "from django.conf import settings as s;"
        "from partnercenter.celery import app;"
        "print(s.EMAIL_TIMEOUT, app.conf.task_soft_time_limit, app.conf.task_time_limit,"
        " s.PORTAL_ORDER_LEASE_SECONDS > app.conf.task_time_limit)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10", "60", "90", "True"]


def test_email_timeout_and_task_time_limits_come_from_the_environment():
    result = run_django(
        "from django.conf import settings as s;"
        "from partnercenter.celery import app;"
        "print(s.EMAIL_TIMEOUT, app.conf.task_soft_time_limit, app.conf.task_time_limit,"
        " s.PORTAL_ORDER_LEASE_SECONDS)",
        EMAIL_TIMEOUT="3", CELERY_TASK_SOFT_TIME_LIMIT="20", CELERY_TASK_TIME_LIMIT="30",
        PORTAL_ORDER_LEASE_SECONDS="45")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "20", "30", "45"]


def test_the_redelivery_lease_and_visibility_timeout_have_defaults_above_the_hard_limit():
    result = run_django(
        "from django.conf import settings as s;"
        "from partnercenter.celery import app;"
        "print(s.PORTAL_OUTBOX_REDELIVER_SECONDS,"
        " app.conf.broker_transport_options['visibility_timeout'],"
        " s.PORTAL_OUTBOX_REDELIVER_SECONDS > app.conf.task_time_limit,"
        " app.conf.broker_transport_options['visibility_timeout'] > app.conf.task_time_limit)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["300", "600", "True", "True"]


def test_the_redelivery_lease_and_visibility_timeout_come_from_the_environment():
    result = run_django(
        "from django.conf import settings as s;"
        "from partnercenter.celery import app;"
        "print(s.PORTAL_OUTBOX_REDELIVER_SECONDS,"
        " app.conf.broker_transport_options['visibility_timeout'])",
        PORTAL_OUTBOX_REDELIVER_SECONDS="45", CELERY_BROKER_VISIBILITY_TIMEOUT="60")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["45", "60"]


@pytest.mark.parametrize("name", ["PORTAL_TRUSTED_PROXY_COUNT", "EMAIL_TIMEOUT",
                                  "CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_TASK_TIME_LIMIT",
                                  "PORTAL_ORDER_LEASE_SECONDS", "PORTAL_OUTBOX_REDELIVER_SECONDS",
                                  "CELERY_BROKER_VISIBILITY_TIMEOUT"])
def test_the_readme_documents_the_setting(name):
    table = (ROOT / "README.md").read_text().split("## Configuration", 1)[1]
    assert f"`{name}`" in table

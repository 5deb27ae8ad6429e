"""Settings modes: embedded defaults with no environment, production hardening with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_django(code, **env):
    """Run `code` in a fresh interpreter whose environment holds only `env` (plus PATH)."""
    environ = {"PATH": os.environ["PATH"], "PORTAL_READ_DOT_ENV": "false", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django, os;"
         "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'partnercenter.settings');"
         "django.setup();" + code],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60, check=False)


def test_no_environment_means_embedded_mode():
    result = run_django(
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True", "django.db.backends.sqlite3", "True",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend"]


def test_services_come_from_the_environment():
    result = run_django(
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.EMAIL_HOST)",
        DATABASE_URL="postgres://u:p@db.example:5432/pc", REDIS_URL="redis://cache.example:6379/0",
        EMAIL_URL="smtp://mail.example:1025")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "False", "redis://cache.example:6379/0",
        "apps.cache.TolerantRedisCache",
        "django.core.mail.backends.smtp.EmailBackend", "mail.example"]


def test_make_run_sets_up_and_seeds_the_embedded_database(tmp_path):
    # What `make run` does on a bare machine: migrate and load the demo data on SQLite,
    # with eager Celery, and no warning to puzzle a newcomer.
    environ = {"PATH": os.environ["PATH"], "PORTAL_READ_DOT_ENV": "false",
               "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=environ,
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARNINGS" not in result.stdout + result.stderr
    assert "provider@contoso.test" in result.stdout


PRODUCTION = {"DEBUG": "False", "SECRET_KEY": "x7#" + "k2!p9" * 12,
              "ALLOWED_HOSTS": "partners.example.com"}


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], "PORTAL_READ_DOT_ENV": "false", **PRODUCTION},
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_asks_mfa_of_provider_and_reseller_admins_and_sends_csp():
    result = run_django(
        "from django.conf import settings as s;"
        "print(','.join(s.PORTAL_REQUIRE_MFA_ROLES), s.SESSION_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["provider:admin,reseller:admin,staff", "True", "True", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("print('started')", DEBUG="False", ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_page_sends_a_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


CONNECTIONS_AND_GZIP = (
    "from django.conf import settings as s;"
    "d = s.DATABASES['default'];"
    "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'],"
    " 'django.middleware.gzip.GZipMiddleware' in s.MIDDLEWARE)")


def test_production_keeps_connections_and_compresses_pages():
    result = run_django(CONNECTIONS_AND_GZIP, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True", "True"]
    result = run_django(CONNECTIONS_AND_GZIP, CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="false",
                        **PRODUCTION)
    assert result.stdout.split() == ["0", "False", "True"]


def test_debug_opens_a_connection_per_request_and_sends_plain_pages():
    result = run_django(CONNECTIONS_AND_GZIP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "False"]


def test_production_gzips_html_but_not_what_the_client_cannot_read():
    # Django's GZipMiddleware as the production settings order it, on a page of ours (its
    # assets named as they are before collectstatic builds the manifest).
    code = (
        "from django.conf import settings as s;"
        "from django.test import Client, override_settings;"
        "override_settings(STORAGES={**s.STORAGES, 'staticfiles': {'BACKEND':"
        " 'django.contrib.staticfiles.storage.StaticFilesStorage'}}).enable();"
        "c = Client(HTTP_HOST='partners.example.com', HTTP_X_FORWARDED_PROTO='https');"
        "r = c.get('/accounts/login/', HTTP_ACCEPT_ENCODING='gzip');"
        "p = c.get('/accounts/login/');"
        "print(r.status_code, r.headers.get('Content-Encoding'),"
        " 'Accept-Encoding' in r.headers['Vary'], p.headers.get('Content-Encoding'))")
    result = run_django(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "gzip", "True", "None"]

"""Browser tests: Playwright drives Debian's Chromium against the live test server.

Chromium is required under CI=true; elsewhere the tests are skipped with the
install command when it is missing. Playwright never downloads a browser here.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the test body (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError(f"CI=true needs Chromium at {CHROMIUM} (apt-get install chromium)")
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}: "
                                   "apt-get install chromium to run the browser tests")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": CHROMIUM_ARGS, "timeout": 30_000}


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    return page


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data of `make run`, loaded into the test database."""
    from django.core.management import call_command

    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return "Demo-pass-2026"


@pytest.fixture
def sign_in(live_server, page):
    def _sign_in(email, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        return page
    return _sign_in


@pytest.fixture
def fixed_today(monkeypatch):
    """`fixed_today(day)`: django.utils.timezone.localdate() answers `day` (the live server
    runs in this process), so every page and service sees the same today."""
    from django.utils import timezone

    original = timezone.localdate

    def pin(day):
        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)
        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return pin

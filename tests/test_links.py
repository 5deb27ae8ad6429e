"""Links in e-mails: PORTAL_BASE_URL when set, else the host of the request that sent the
mail, also when a worker sends it later; `make run` sets it from HOST and PORT."""

import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from apps.links import HEADER, base_url, portal_url
from apps.outbox.models import OutboxMessage
from apps.outbox.services import _send_args, enqueue
from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_path
from apps.resellers.tasks import send_enrollment_received
from tests import factories

COMPANY = {"company_name": "Wingtip Toys IT", "country": "NL", "partner_id": "4455667",
           "address": "Damrak 1, Amsterdam", "contact_name": "Wim Wingtip"}
ACCOUNT = {"email": "wim@wingtip.test", "password1": "Wingtip-pass-2026",
           "password2": "Wingtip-pass-2026"}


@pytest.fixture
def unset(settings):
    settings.PORTAL_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["portal.example", "testserver"]


def test_without_a_base_url_mails_link_to_the_requests_host(client, unset, contoso,
                                                            contoso_admin, on_commit):
    invitation = invitation_create(provider=contoso, email="wim@wingtip.test",
                                   created_by=contoso_admin)
    with on_commit():
        client.post("/resellers/enrol/", {**COMPANY, **ACCOUNT,
                                          "next": invitation_path(invitation)},
                    HTTP_HOST="portal.example:8211")
    receipt = next(m for m in mail.outbox if "We received the enrolment" in m.subject)
    assert f"http://portal.example:8211{invitation_path(invitation)}" in receipt.body
    confirmation = next(m for m in mail.outbox if "Confirm" in m.subject)
    assert "http://portal.example:8211/accounts/confirm-email/" in confirmation.body


def test_a_set_base_url_wins(client, settings, db):
    settings.PORTAL_BASE_URL = "https://partners.example.com"
    with base_url("http://portal.example:8211"):
        assert portal_url("/x/") == "https://partners.example.com/x/"


def test_outside_any_request_the_fallback_is_loopback(unset):
    assert portal_url("/x/") == "http://127.0.0.1:8000/x/"


def test_the_requests_host_travels_to_the_worker_as_a_header(db, unset, on_commit):
    org = factories.ResellerFactory(extension__enrollment_status="applied")
    factories.member(org, email="applicant@example.test")
    with on_commit(), base_url("http://portal.example:8211"), transaction.atomic():
        enqueue(send_enrollment_received, reseller_id=str(org.pk))
    message = OutboxMessage.objects.get()
    assert message.kwargs[HEADER] == "http://portal.example:8211"
    # The task gets its arguments as before; the base goes as a message header.
    assert _send_args(message) == {"kwargs": {"reseller_id": str(org.pk)},
                                   "headers": {HEADER: "http://portal.example:8211"}}
    assert message.status == "sent"  # relayed (eager here) with the header
    assert [m.to for m in mail.outbox] == [["applicant@example.test"]]


def test_a_task_run_with_the_header_links_to_that_host(unset, contoso, contoso_admin):
    from apps.partnerships.tasks import send_invitation_answer  # noqa: F401 (registers)
    from apps.partnerships.tokens import invitation_link

    invitation = invitation_create(provider=contoso, email="x@example.test",
                                   created_by=contoso_admin)
    seen = []

    from celery import shared_task

    @shared_task(name="tests.links.probe")
    def probe(invitation_id):
        seen.append(invitation_link(invitation))

    probe.apply_async(kwargs={"invitation_id": str(invitation.pk)},
                      headers={HEADER: "http://portal.example:8211"})
    assert seen[0].startswith("http://portal.example:8211/invitations/partnership/")
    # The task's base does not outlive it.
    assert portal_url() == "http://127.0.0.1:8000"


def test_make_run_sets_the_base_url_from_host_and_port():
    root = Path(__file__).resolve().parent.parent
    dry = subprocess.run(["make", "-n", "run", "PORT=8211"], cwd=root, capture_output=True,
                         text=True, check=True).stdout
    assert "PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:8211}" in dry
    assert "runserver 127.0.0.1:8211" in dry
    everywhere = subprocess.run(["make", "-n", "run", "HOST=0.0.0.0", "PORT=8300"], cwd=root,
                                capture_output=True, text=True, check=True).stdout
    assert "PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:8300}" in everywhere

"""A reseller that enrols from a partnership request's link keeps the request: the enrolment
mails carry the link, the status page shows it, and the approved workspace lists it."""

import re

from django.core import mail

from apps.organizations.models import Organization
from apps.partnerships.models import Partnership
from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_path
from apps.resellers.models import Reseller
from apps.resellers.services import reseller_approve

COMPANY = {"company_name": "Wingtip Toys IT", "country": "NL", "partner_id": "4455667",
           "address": "Damrak 1, Amsterdam", "contact_name": "Wim Wingtip",
           "contact_phone": "+31 20 555 0100"}
ACCOUNT = {"email": "wim@wingtip.test", "password1": "Wingtip-pass-2026",
           "password2": "Wingtip-pass-2026"}


def test_enrolling_from_a_link_keeps_the_request(client, contoso, contoso_admin, operator,
                                                 on_commit, settings):
    invitation = invitation_create(provider=contoso, email="wim@wingtip.test",
                                   created_by=contoso_admin)
    path = invitation_path(invitation)
    with on_commit():
        client.post("/resellers/enrol/", {**COMPANY, **ACCOUNT, "next": path})
    receipt = next(m for m in mail.outbox if "We received the enrolment" in m.subject)
    assert f"http://127.0.0.1:8000{path}" in receipt.body
    assert "Contoso Distribution" in receipt.body
    assert f"http://127.0.0.1:8000{path}" in receipt.alternatives[0][0]

    # Verify the address and sign in: back on the link page, which says why it must wait.
    confirmation = next(m for m in mail.outbox if "Confirm" in m.subject)
    key = re.search(r"/accounts/confirm-email/[^\s]+/", confirmation.body).group(0)
    client.post(key)
    response = client.post("/accounts/login/", {"login": ACCOUNT["email"],
                                                "password": ACCOUNT["password1"]})
    assert response.url == path
    page = client.get(path)
    assert "cannot accept partnerships yet" in page.content.decode()
    # Its workspace, until approved, points at the request too.
    org = Organization.objects.get(name="Wingtip Toys IT")
    status = client.get(f"/o/{org.slug}/").content.decode()
    assert f'href="{path}"' in status

    mail.outbox.clear()
    with on_commit():
        reseller_approve(reseller=Reseller.objects.get(organization=org), actor=operator)
    decision = next(m for m in mail.outbox if "is approved" in m.subject)
    assert f"http://127.0.0.1:8000{path}" in decision.body

    dashboard = client.get(f"/o/{org.slug}/").content.decode()
    assert "Partnership requests waiting for your answer" in dashboard
    client.post(path, {"action": "accept", "reseller": str(org.pk)})
    assert Partnership.objects.filter(provider=contoso, reseller=org, status="active").exists()
    assert "waiting for your answer" not in client.get(f"/o/{org.slug}/").content.decode()


def test_a_forwarded_link_enrolled_from_is_listed_though_sent_to_another_address(
        client, tailspin, tailspin_admin, operator, on_commit):
    invitation = invitation_create(provider=tailspin, email="boss@wingtip.test",
                                   created_by=tailspin_admin)
    path = invitation_path(invitation)
    with on_commit():
        client.post("/resellers/enrol/", {**COMPANY, **ACCOUNT, "next": path})
    org = Organization.objects.get(name="Wingtip Toys IT")
    assert org.reseller.return_to == path
    with on_commit():
        reseller_approve(reseller=org.reseller, actor=operator)
    decision = next(m for m in mail.outbox if "is approved" in m.subject)
    assert path in decision.body
    client.force_login(org.memberships.get().user)
    dashboard = client.get(f"/o/{org.slug}/").content.decode()
    assert f'action="{path}"' in dashboard
    assert "Sent to boss@wingtip.test" in dashboard


def test_enrolment_mails_without_a_request_say_nothing_of_one(client, db, on_commit):
    with on_commit():
        client.post("/resellers/enrol/", {**COMPANY, **ACCOUNT})
    receipt = next(m for m in mail.outbox if "We received the enrolment" in m.subject)
    assert "Partnership requests" not in receipt.body

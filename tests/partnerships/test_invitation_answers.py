"""Who answered a partnership request: the reseller, the user, when, and from which address;
the provider is told; a reseller that cannot accept cannot decline either; Revoke asks."""

import pytest
from django.core import mail

from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_path
from apps.resellers.models import Reseller


@pytest.fixture
def forwarded(tailspin, tailspin_admin):
    """Tailspin's request to intended@example.com: nobody at Fabrikam has that address."""
    return invitation_create(provider=tailspin, email="intended@example.com",
                             created_by=tailspin_admin)


def test_a_forwarded_link_warns_and_the_provider_sees_who_accepted(
        client, forwarded, fabrikam, fabrikam_admin, tailspin_admin, on_commit):
    path = invitation_path(forwarded)
    client.force_login(fabrikam_admin)
    page = client.get(path).content.decode()
    assert ("This invitation was sent to intended@example.com — accept on behalf of "
            "Fabrikam Solutions?") in page
    with on_commit():
        client.post(path, {"action": "accept"})
    forwarded.refresh_from_db()
    assert (forwarded.status, forwarded.reseller, forwarded.accepted_by, forwarded.forwarded) == (
        "accepted", fabrikam, fabrikam_admin, True)

    client.force_login(tailspin_admin)
    listing = client.get("/o/tailspin/resellers/invitations/").content.decode()
    assert "accepted by Fabrikam Solutions (sent to intended@example.com)" in listing
    assert "reseller@fabrikam.test" in listing  # the user who answered
    # The provider's admins are told by mail, once, and on the dashboard.
    answers = [m for m in mail.outbox if "accepted your partnership request" in m.subject]
    assert [m.to for m in answers] == [["admin@tailspin.test"]]
    assert "intended@example.com" in answers[0].body
    assert "the link was passed on" in answers[0].body
    assert "http://127.0.0.1:8000/o/tailspin/resellers/invitations/" in answers[0].body
    dashboard = client.get("/o/tailspin/").content.decode()
    assert "Answers to your partnership requests" in dashboard
    assert "accepted by Fabrikam Solutions (sent to intended@example.com)" in dashboard


def test_an_answer_from_the_addressed_reseller_is_not_flagged(client, invitation, link_path,
                                                              fabrikam_admin, contoso_admin,
                                                              on_commit):
    client.force_login(fabrikam_admin)
    assert "This invitation was sent to" not in client.get(link_path).content.decode()
    with on_commit():
        client.post(link_path, {"action": "decline"})
    invitation.refresh_from_db()
    assert (invitation.status, invitation.declined_by, invitation.forwarded) == (
        "declined", fabrikam_admin, False)
    client.force_login(contoso_admin)
    listing = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert "declined by Fabrikam Solutions" in listing
    assert "(sent to" not in listing
    declined = [m for m in mail.outbox if "declined your partnership request" in m.subject]
    assert len(declined) == 1
    assert declined[0].to == ["admin@contoso.test"]


def test_the_answer_mail_is_sent_once(invitation, fabrikam, fabrikam_admin, on_commit):
    from apps.partnerships.services import invitation_accept
    from apps.partnerships.tasks import send_invitation_answer

    with on_commit():
        invitation_accept(invitation=invitation, user=fabrikam_admin, reseller=fabrikam)
    assert send_invitation_answer(str(invitation.pk)) == "skipped"
    assert len([m for m in mail.outbox if "accepted" in m.subject]) == 1


def test_a_partnered_reseller_gets_neither_accept_nor_decline(client, contoso, northwind,
                                                              northwind_admin, contoso_admin):
    invitation = invitation_create(provider=contoso, email="someone.else@example.com",
                                   created_by=contoso_admin)
    path = invitation_path(invitation)
    client.force_login(northwind_admin)
    page = client.get(path)
    content = page.content.decode()
    assert page.status_code == 409
    assert "already partners" in content
    assert 'value="accept"' not in content
    assert 'value="decline"' not in content
    response = client.post(path, {"action": "decline"})
    assert response.status_code == 409
    assert 'value="decline"' not in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert invitation.reseller is None


def test_an_unapproved_reseller_cannot_decline(client, link_path, fabrikam, fabrikam_admin,
                                               invitation):
    Reseller.objects.filter(organization=fabrikam).update(enrollment_status="applied")
    client.force_login(fabrikam_admin)
    assert 'value="decline"' not in client.get(link_path).content.decode()
    assert client.post(link_path, {"action": "decline"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_revoking_asks_for_confirmation(client, contoso_admin, invitation):
    client.force_login(contoso_admin)
    url = f"/o/contoso/resellers/invitations/{invitation.pk}/revoke/"
    listing = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert f'href="{url}"' in listing  # a link to the question, not a one-click form
    page = client.get(url)
    assert page.status_code == 200
    assert "Revoke the partnership request to reseller@fabrikam.test?" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    response = client.post(url)
    assert response.url == "/o/contoso/resellers/invitations/"
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    again = client.get(url)
    assert again.status_code == 409
    assert "Only a pending request can be withdrawn." in again.content.decode()
    assert client.post(url).status_code == 409


def test_revoke_is_for_partner_managers_only(client, contoso_sales, invitation, tailspin_admin):
    url = f"/o/contoso/resellers/invitations/{invitation.pk}/revoke/"
    client.force_login(contoso_sales)
    assert client.get(url).status_code == 403
    client.force_login(tailspin_admin)
    assert client.get(f"/o/tailspin/resellers/invitations/{invitation.pk}/revoke/"
                      ).status_code == 404


def test_the_reseller_dashboard_lists_waiting_requests_with_accept(client, invitation, fabrikam,
                                                                   fabrikam_admin,
                                                                   tailspin, tailspin_admin,
                                                                   fabrikam_helpdesk):
    # Addressed to another of Fabrikam's users (its helpdesk agent).
    other = invitation_create(provider=tailspin, email="helpdesk@fabrikam.test",
                              created_by=tailspin_admin)
    client.force_login(fabrikam_admin)
    page = client.get("/o/fabrikam/").content.decode()
    assert "Partnership requests waiting for your answer" in page
    assert "Contoso Distribution invites you to become its indirect reseller" in page
    assert "Tailspin" in page
    assert f'action="{invitation_path(other)}"' in page
    response = client.post(invitation_path(other), {"action": "accept",
                                                    "reseller": str(fabrikam.pk)})
    assert response.url == "/o/fabrikam/providers/"
    assert Partnership.objects.filter(provider=tailspin, reseller=fabrikam).exists()
    page = client.get("/o/fabrikam/").content.decode()
    assert f'action="{invitation_path(other)}"' not in page
    assert f'action="{invitation_path(invitation)}"' in page


def test_nothing_waiting_means_no_card(client, northwind_admin):
    client.force_login(northwind_admin)
    assert "waiting for your answer" not in client.get("/o/northwind/").content.decode()


def test_invitations_list_without_answers_shows_a_dash(client, contoso_admin, invitation):
    client.force_login(contoso_admin)
    page = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert "Answered by" in page
    assert PartnershipInvitation.objects.get().status == "pending"


def test_the_answered_by_column_costs_no_query_per_row(client, contoso, contoso_admin,
                                                       fabrikam, fabrikam_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def answered(n):
        for i in range(n):
            invitation = invitation_create(provider=contoso, email=f"r{i}@example.test",
                                           created_by=contoso_admin)
            PartnershipInvitation.objects.filter(pk=invitation.pk).update(
                status="declined", reseller=fabrikam, declined_by=fabrikam_admin,
                decided_at=timezone.now(), forwarded=True)

    client.force_login(contoso_admin)
    answered(2)
    client.get("/o/contoso/resellers/invitations/")  # the session's first-visit writes
    with CaptureQueriesContext(connection) as one:
        client.get("/o/contoso/resellers/invitations/")
    answered(19)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert page.count("declined by Fabrikam Solutions (sent to") == 21
    assert len(many) == len(one), [q["sql"][:150] for q in many.captured_queries]

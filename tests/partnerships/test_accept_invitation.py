"""The personalized link: who may accept, every bad-token case, and one partnership only."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.errors import DomainError
from apps.organizations.roles import Role
from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.partnerships.services import invitation_accept
from apps.partnerships.tokens import invitation_token
from apps.resellers.models import Reseller
from tests import factories


def test_anonymous_visitor_sees_who_invites_and_how_to_answer(client, link_path):
    response = client.get(link_path)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Contoso Distribution invites you to become its indirect reseller" in content
    assert f"/accounts/login/?next={link_path.replace(':', '%3A')}" in content
    assert f"/resellers/enrol/?next={link_path}" in content


def test_approved_reseller_admin_accepts(client, link_path, fabrikam_admin, fabrikam,
                                         provider, provider_admin, invitation):
    client.force_login(fabrikam_admin)
    page = client.get(link_path)
    assert page.status_code == 200
    assert "You answer for <strong>Fabrikam Solutions</strong>" in page.content.decode()
    response = client.post(link_path, {"action": "accept"})
    assert response.url == "/o/fabrikam/providers/"
    partnership = Partnership.objects.get(provider=provider, reseller=fabrikam)
    assert partnership.status == "active"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.reseller, invitation.accepted_by) == (
        "accepted", fabrikam, fabrikam_admin)
    # Both sides see it: lists and audit logs.
    assert "Contoso Distribution" in client.get("/o/fabrikam/providers/").content.decode()
    assert AuditEvent.objects.filter(organization=fabrikam, action="partnership.accepted").exists()
    client.force_login(provider_admin)
    assert "Fabrikam Solutions" in client.get("/o/contoso/resellers/").content.decode()
    assert AuditEvent.objects.filter(organization=provider, action="partnership.accepted").exists()

    # Used once: the link now says so.
    client.force_login(fabrikam_admin)
    again = client.get(link_path)
    assert again.status_code == 409
    assert "already been accepted" in again.content.decode()


def test_decline_creates_no_partnership(client, link_path, fabrikam_admin, invitation):
    client.force_login(fabrikam_admin)
    client.post(link_path, {"action": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Partnership.objects.exists()
    assert client.get(link_path).status_code == 410


@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
def test_a_reseller_that_is_not_approved_cannot_accept(client, link_path, fabrikam,
                                                       fabrikam_admin, status):
    Reseller.objects.filter(organization=fabrikam).update(enrollment_status=status)
    client.force_login(fabrikam_admin)
    page = client.get(link_path)
    assert page.status_code == 403
    assert "cannot accept partnerships yet" in page.content.decode()
    assert 'value="accept"' not in page.content.decode()
    response = client.post(link_path, {"action": "accept"})
    assert response.status_code == 403
    assert not Partnership.objects.exists()


def test_already_partners_is_said_plainly(client, provider, fabrikam, fabrikam_admin,
                                          link_path):
    factories.PartnershipFactory(provider=provider, reseller=fabrikam)
    client.force_login(fabrikam_admin)
    page = client.get(link_path)
    assert page.status_code == 409
    assert "already partners" in page.content.decode()
    assert client.post(link_path, {"action": "accept"}).status_code == 409
    assert Partnership.objects.count() == 1


@pytest.mark.usefixtures("fabrikam_admin")  # Fabrikam has its admin, as in the demo
def test_only_reseller_admins_may_answer(client, link_path, fabrikam, provider_admin):
    sales = factories.member(fabrikam, Role.SALES)
    for user in (sales, provider_admin):
        client.force_login(user)
        response = client.post(link_path, {"action": "accept"})
        assert response.status_code == 403
        assert "Become an indirect reseller" in response.content.decode()
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-3] + "abc",          # signature changed
    lambda t: "x" + t,                 # payload changed
    lambda t: t.split(":")[0],         # no signature
    lambda t: "garbage",
    lambda t: "a" * 600,               # oversized
    lambda t: t.replace(":", "%00"),   # NUL in the path
])
def test_tampered_or_malformed_tokens_get_a_404_page(client, invitation, mangle):
    token = mangle(invitation_token(invitation))
    response = client.get(f"/invitations/partnership/{token}/")
    assert response.status_code == 404
    assert "Partnership link not valid" in response.content.decode()


def test_a_token_for_a_deleted_invitation_is_not_found(client, invitation):
    token = invitation_token(invitation)
    PartnershipInvitation.objects.filter(pk=invitation.pk).delete()
    assert client.get(f"/invitations/partnership/{token}/").status_code == 404


def test_expired_link_is_refused(client, invitation, fabrikam_admin, link_path):
    PartnershipInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(fabrikam_admin)
    response = client.post(link_path, {"action": "accept"})
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not Partnership.objects.exists()


def test_a_reseller_admin_of_two_resellers_chooses(client, link_path, fabrikam, fabrikam_admin,
                                                   provider):
    other = factories.ResellerFactory(name="Second Reseller")
    factories.MembershipFactory(user=fabrikam_admin, organization=other, role=Role.ADMIN)
    client.force_login(fabrikam_admin)
    assert 'name="reseller"' in client.get(link_path).content.decode()
    client.post(link_path, {"action": "accept", "reseller": str(other.pk)})
    assert Partnership.objects.get().reseller == other


def test_an_unknown_action_is_a_400(client, link_path, fabrikam_admin):
    client.force_login(fabrikam_admin)
    assert client.post(link_path, {"action": "maybe"}).status_code == 400


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks need PostgreSQL; make test provides it")
def test_two_simultaneous_accepts_make_one_partnership(provider, provider_admin, fabrikam,
                                                       fabrikam_admin):
    from apps.partnerships.services import invitation_create

    invitation = invitation_create(provider=provider, email="reseller@fabrikam.test",
                                   created_by=provider_admin)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait(timeout=10)
            invitation_accept(invitation=invitation, user=fabrikam_admin, reseller=fabrikam)
            outcomes.append("made a partnership")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # One thread makes the partnership; the other waits on the row lock, then is told the
    # request was already accepted.
    assert sorted(outcomes) == ["accepted", "made a partnership"]
    assert Partnership.objects.filter(provider=provider, reseller=fabrikam).count() == 1

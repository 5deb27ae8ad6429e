"""Team members: invite by email (through Celery), accept the link, change roles, remove."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.organizations.models import Membership, TeamInvitation
from apps.organizations.roles import Role
from tests import factories

INVITE = "/o/contoso/team/invite/"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invite form and run what it queues on commit (the e-mail task)."""
    def _invite(client, email="new.colleague@contoso.test", role=Role.SALES):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(INVITE, {"email": email, "role": role})
    return _invite


def link_from_mail(message):
    return re.search(r"http://[^\s]+/invitations/team/[^\s/]+/", message.body).group(0)


def test_admin_invites_a_colleague_who_accepts(invite, client, provider_admin, provider):
    client.force_login(provider_admin)
    response = invite(client, "New.Colleague@contoso.test")
    assert response.status_code == 302
    invitation = TeamInvitation.objects.get()
    assert invitation.email == "new.colleague@contoso.test"
    assert invitation.status == TeamInvitation.Status.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.colleague@contoso.test"]
    assert "Contoso Distribution" in message.subject
    link = link_from_mail(message)
    path = link.split("8000", 1)[1]

    # The invitee opens the link, is asked to sign in, then accepts.
    client.logout()
    assert client.get(path).url.startswith("/accounts/login/?next=")
    colleague = factories.UserFactory(email="new.colleague@contoso.test")
    client.force_login(colleague)
    page = client.get(path)
    assert page.status_code == 200
    assert "Join Contoso Distribution" in page.content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert response.url == "/o/contoso/"
    assert Membership.objects.get(user=colleague, organization=provider).role == Role.SALES
    invitation.refresh_from_db()
    assert invitation.status == TeamInvitation.Status.ACCEPTED
    assert set(AuditEvent.objects.filter(organization=provider).values_list("action", flat=True)
               ) >= {"team.invitation_created", "team.invitation_accepted"}

    # The link is single use.
    again = client.post(path)
    assert again.status_code == 409
    assert "already been accepted" in again.content.decode()
    assert Membership.objects.filter(user=colleague).count() == 1


def test_the_link_works_only_for_the_invited_address(invite, client, provider_admin, provider):
    client.force_login(provider_admin)
    invite(client)
    path = link_from_mail(mail.outbox[0]).split("8000", 1)[1]
    intruder = factories.UserFactory(email="intruder@example.test")
    client.force_login(intruder)
    response = client.post(path)
    assert response.status_code == 409
    assert "Sign in with that address" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()


@pytest.mark.parametrize("token", ["garbage", "a" * 500, "InVaLiD:token:here"])
def test_tampered_or_malformed_links_get_a_clear_404(client, db, token):
    response = client.get(f"/invitations/team/{token}/")
    assert response.status_code == 404
    assert "Invitation link not valid" in response.content.decode()


def test_expired_and_revoked_links_are_refused(invite, client, provider_admin, provider):
    client.force_login(provider_admin)
    invite(client)
    invitation = TeamInvitation.objects.get()
    path = link_from_mail(mail.outbox[0]).split("8000", 1)[1]
    colleague = factories.UserFactory(email="new.colleague@contoso.test")

    TeamInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(colleague)
    assert "expired" in client.get(path).content.decode()
    assert client.post(path).status_code == 409

    TeamInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(days=1))
    client.force_login(provider_admin)
    client.post(f"/o/contoso/team/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == TeamInvitation.Status.REVOKED
    client.force_login(colleague)
    assert client.post(path).status_code == 409
    assert not Membership.objects.filter(user=colleague).exists()


@pytest.mark.parametrize(("email", "message"), [
    ("", "This field is required."),
    ("not-an-email", "Enter a valid email address."),
    ("x" * 250 + "@example.test", "Ensure this value has at most 254 characters"),
    ("nul\x00@example.test", "Null characters are not allowed."),
    ("admin@contoso.test", "already a member of this team"),
])
def test_bad_invitations_are_refused_next_to_the_field(invite, client, provider_admin, email,
                                                       message):
    client.force_login(provider_admin)
    response = invite(client, email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TeamInvitation.objects.exists()
    assert not mail.outbox


def test_inviting_twice_is_refused_and_sends_one_mail(invite, client, provider_admin):
    client.force_login(provider_admin)
    invite(client)
    response = invite(client)
    assert "has already been invited" in response.content.decode()
    assert TeamInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_role_of_another_kind_is_refused(invite, client, provider_admin):
    client.force_login(provider_admin)
    response = invite(client, role=Role.USER)
    assert "Select a valid choice" in response.content.decode()
    assert not TeamInvitation.objects.exists()


def test_admin_changes_a_role(client, provider_admin, provider_sales, provider):
    membership = provider_sales.memberships.get()
    client.force_login(provider_admin)
    response = client.post(f"/o/contoso/team/members/{membership.pk}/role/",
                           {"role": Role.HELPDESK})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.HELPDESK
    event = AuditEvent.objects.get(action="team.role_changed")
    assert event.data == {"email": "sales@contoso.test", "from": "sales", "to": "helpdesk"}


def test_the_last_admin_cannot_be_demoted_or_removed(client, provider_admin, provider):
    membership = provider_admin.memberships.get()
    client.force_login(provider_admin)
    response = client.post(f"/o/contoso/team/members/{membership.pk}/role/",
                           {"role": Role.SALES})
    assert response.status_code == 200
    assert "The last admin cannot be demoted" in response.content.decode()
    response = client.post(f"/o/contoso/team/members/{membership.pk}/remove/")
    assert response.status_code == 400
    assert "The last admin cannot be removed" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_with_two_admins_one_can_leave(client, provider_admin, provider):
    second = factories.member(provider, Role.ADMIN, email="second@contoso.test")
    client.force_login(provider_admin)
    mine = provider_admin.memberships.get()
    response = client.get(f"/o/contoso/team/members/{mine.pk}/remove/")
    assert "Remove admin@contoso.test from the team?" in response.content.decode()
    response = client.post(f"/o/contoso/team/members/{mine.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert client.get("/o/contoso/").status_code == 404
    assert Membership.objects.get(user=second).role == Role.ADMIN
    assert AuditEvent.objects.filter(action="team.member_removed").exists()

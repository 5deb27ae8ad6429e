"""Request a partnership: the draft e-mail, its personalized link, sending it from the portal."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.partnerships.models import PartnershipInvitation
from apps.partnerships.tokens import invitation_link
from tests import factories

REQUEST = "/o/contoso/resellers/request/"


def draft_url(invitation):
    return f"/o/contoso/resellers/invitations/{invitation.pk}/draft/"


def textarea(response):
    body = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.content.decode(), re.S)
    return html.unescape(body.group(1))


def test_request_then_draft_with_personalized_link(client, provider_admin):
    client.force_login(provider_admin)
    page = client.get("/o/contoso/resellers/")
    assert "Request a partnership" in page.content.decode()

    response = client.post(REQUEST, {"email": "Reseller@Fabrikam.test", "name": "Frida"})
    invitation = PartnershipInvitation.objects.get()
    assert response.url == draft_url(invitation)
    assert invitation.email == "reseller@fabrikam.test"
    assert invitation.status == "pending"
    assert invitation.send_count == 0  # nothing is sent before the user says so
    assert not mail.outbox

    draft = client.get(draft_url(invitation))
    content = draft.content.decode()
    link = invitation_link(invitation)
    assert link in textarea(draft)
    assert "Hello Frida," in textarea(draft)
    for label in ("Open in email", "Copy to clipboard", "Send", "Done"):
        assert label in content
    mailto = re.search(r'href="(mailto:[^"]+)"', content).group(1)
    assert mailto.startswith("mailto:reseller@fabrikam.test?subject=")
    assert "invitations%2Fpartnership%2F" in mailto  # the link travels in the body
    assert AuditEvent.objects.filter(action="partnership.request_created").exists()


def test_the_link_names_the_invitation_and_never_changes(invitation):
    assert invitation_link(invitation) == invitation_link(invitation)
    assert str(invitation.pk) not in invitation_link(invitation).rsplit(":", 1)[-1]


def test_send_requires_the_personalized_link(client, provider_admin, invitation, on_commit):
    client.force_login(provider_admin)
    with on_commit():
        response = client.post(draft_url(invitation), {"subject": "Hello",
                                                       "body": "Please partner with us."})
    assert response.status_code == 200
    assert "Keep the personalized link in the message." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.send_count == 0
    assert not mail.outbox


def test_send_mails_the_edited_message_in_the_providers_name(client, provider_admin,
                                                             invitation, on_commit):
    client.force_login(provider_admin)
    body = "Dear Frida, join us!\n" + invitation_link(invitation) + "\nCheers"
    with on_commit():
        response = client.post(draft_url(invitation), {"subject": "Partner with Contoso",
                                                       "body": body})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reseller@fabrikam.test"]
    assert message.subject == "Partner with Contoso"
    assert message.from_email.startswith("Contoso Distribution via Partner Center")
    assert message.reply_to == ["admin@contoso.test"]
    assert "Dear Frida, join us!" in message.body
    assert invitation_link(invitation) in message.body
    html_part = message.alternatives[0][0]
    assert invitation_link(invitation) in html_part
    invitation.refresh_from_db()
    assert invitation.send_count == 1
    assert invitation.mails_sent == 1
    assert invitation.last_sent_at is not None


def test_resend_uses_the_same_link_and_is_rate_limited(client, provider_admin, invitation,
                                                       on_commit, settings):
    client.force_login(provider_admin)
    resend = f"/o/contoso/resellers/invitations/{invitation.pk}/resend/"
    with on_commit():
        client.post(resend)
    with on_commit():
        response = client.post(resend, follow=True)
    assert "Wait a minute before sending it again." in response.content.decode()
    assert len(mail.outbox) == 1

    PartnershipInvitation.objects.filter(pk=invitation.pk).update(
        last_requested_at=timezone.now() - timedelta(minutes=2))
    with on_commit():
        client.post(resend)
    assert len(mail.outbox) == 2
    assert invitation_link(invitation) in mail.outbox[0].body
    assert invitation_link(invitation) in mail.outbox[1].body
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert AuditEvent.objects.filter(action="partnership.request_resent").count() == 2


def test_resending_stops_at_the_maximum(client, provider_admin, invitation, settings):
    settings.PORTAL_PARTNERSHIP_MAX_SENDS = 3
    PartnershipInvitation.objects.filter(pk=invitation.pk).update(send_count=3)
    client.force_login(provider_admin)
    response = client.post(f"/o/contoso/resellers/invitations/{invitation.pk}/resend/",
                           follow=True)
    assert "the most allowed" in response.content.decode()


@pytest.mark.parametrize(("email", "message"), [
    ("", "This field is required."),
    ("not-an-email", "Enter a valid email address."),
    ("nul\x00@fabrikam.test", "Null characters are not allowed."),
    ("x" * 300 + "@fabrikam.test", "Ensure this value has at most 254 characters"),
])
def test_bad_emails_are_refused_next_to_the_field(client, provider_admin, email, message):
    client.force_login(provider_admin)
    response = client.post(REQUEST, {"email": email})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PartnershipInvitation.objects.exists()


def test_a_second_pending_request_to_the_same_address_is_refused(client, provider_admin,
                                                                invitation):
    client.force_login(provider_admin)
    response = client.post(REQUEST, {"email": "RESELLER@fabrikam.test"})
    assert "already pending" in response.content.decode()
    assert PartnershipInvitation.objects.count() == 1


def test_requesting_an_existing_partner_is_refused(client, provider_admin, reseller):
    partner_admin = factories.member(reseller, email="boss@northwind.test")
    client.force_login(provider_admin)
    response = client.post(REQUEST, {"email": partner_admin.email})
    assert "already partners with you" in response.content.decode()
    assert not PartnershipInvitation.objects.exists()


def test_htmx_gets_the_dialog_and_then_the_draft_in_it(client, provider_admin):
    client.force_login(provider_admin)
    dialog = client.get(REQUEST, headers={"HX-Request": "true"})
    content = dialog.content.decode()
    assert "<html" not in content
    assert 'class="modal-header"' in content
    response = client.post(REQUEST, {"email": "someone@reseller.test"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Draft email message" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_revoke_stops_the_link_at_once(client, provider_admin, invitation, link_path,
                                       fabrikam_admin):
    client.force_login(provider_admin)
    client.post(f"/o/contoso/resellers/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    client.force_login(fabrikam_admin)
    response = client.get(link_path)
    assert response.status_code == 410
    assert "withdrawn by the provider" in response.content.decode()


def test_invitations_tab_lists_status_sender_and_expiry(client, provider_admin, invitation):
    expired = PartnershipInvitation.objects.create(
        provider=invitation.provider, email="late@reseller.test", created_by=provider_admin,
        expires_at=timezone.now() - timedelta(days=1))
    client.force_login(provider_admin)
    content = client.get("/o/contoso/resellers/invitations/").content.decode()
    assert "reseller@fabrikam.test" in content
    assert "late@reseller.test" in content
    assert "Pending" in content
    assert "Expired" in content
    assert "admin@contoso.test" in content
    only_expired = client.get("/o/contoso/resellers/invitations/?status=expired")
    assert expired.email in only_expired.content.decode()
    assert invitation.email not in only_expired.content.decode()
    for junk in ("?status=nonsense", "?sort=;drop", "?page=-5", "?q=%00"):
        assert client.get("/o/contoso/resellers/invitations/" + junk).status_code == 200


def test_another_provider_sees_none_of_contosos_requests(client, outsider, invitation):
    client.force_login(outsider)
    assert client.get(draft_url(invitation)).status_code == 404
    assert client.get("/o/contoso/resellers/invitations/").status_code == 404
    tailspin_draft = f"/o/tailspin/resellers/invitations/{invitation.pk}/draft/"
    assert client.get(tailspin_draft).status_code == 404
    assert client.post(f"/o/tailspin/resellers/invitations/{invitation.pk}/revoke/"
                       ).status_code == 404

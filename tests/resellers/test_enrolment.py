"""Become an indirect reseller: enrolment, the operator's decision, the waiting workspace."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from apps.audit.models import AuditEvent
from apps.organizations.models import Membership, Organization
from apps.resellers.models import Reseller
from tests import factories

ENROL = "/resellers/enrol/"
User = get_user_model()

COMPANY = {"company_name": "Wingtip Toys IT", "country": "NL", "partner_id": "4455667",
           "address": "Damrak 1, Amsterdam", "contact_name": "Wim Wingtip",
           "contact_phone": "+31 20 555 0100"}
ACCOUNT = {"email": "wim@wingtip.test", "password1": "Wingtip-pass-2026",
           "password2": "Wingtip-pass-2026"}


def test_a_newcomer_enrols_and_verifies_the_email(client, db, on_commit):
    with on_commit():
        response = client.post(ENROL, {**COMPANY, **ACCOUNT, "next": "/invitations/x/"})
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="wim@wingtip.test")
    assert not EmailAddress.objects.get(user=user).verified
    org = Organization.objects.get(name="Wingtip Toys IT")
    assert org.kind == "reseller"
    assert org.country == "NL"
    assert org.reseller.enrollment_status == "applied"
    assert org.reseller.partner_id == "4455667"
    assert Membership.objects.get(user=user, organization=org).role == "admin"
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("Confirm" in s for s in subjects)           # allauth's verification mail
    assert any("We received the enrolment" in s for s in subjects)
    assert AuditEvent.objects.filter(organization=org, action="reseller.enrolled").exists()
    assert client.session["portal_next"] == "/invitations/x/"


def test_a_signed_in_user_enrols_with_their_account(client, db, on_commit):
    user = factories.UserFactory(email="ann@adventure.test")
    client.force_login(user)
    form = client.get(ENROL).content.decode()
    assert 'name="password1"' not in form
    with on_commit():
        response = client.post(ENROL, COMPANY)
    org = Organization.objects.get(name="Wingtip Toys IT")
    assert response.url == f"/o/{org.slug}/"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Enrolment status" in page.content.decode()
    assert "Applied" in page.content.decode()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"partner_id": "12ab"}, "partner_id", "Enter 6 to 10 digits"),
    ({"partner_id": "123"}, "partner_id", "Enter 6 to 10 digits"),
    ({"company_name": ""}, "company_name", "This field is required."),
    ({"country": "XX"}, "country", "Select a valid choice"),
    ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ({"password2": "Different-pass-2026"}, "password2", "same password"),
    ({"password1": "short", "password2": "short"}, "password1", "too short"),
    ({"company_name": "A\x00B"}, "company_name", "Null characters"),
    ({"address": "x" * 301}, "address", "at most 300 characters"),
    ({"email": "admin@x.onpartnercenter.test"}, "email", "reserved for customer accounts"),
])
def test_bad_enrolment_input_saves_nothing(client, db, changes, field, message):
    response = client.post(ENROL, {**COMPANY, **ACCOUNT, **changes})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_a_used_partner_id_is_refused(client, db):
    factories.ResellerFactory(extension__partner_id="4455667")
    response = client.post(ENROL, {**COMPANY, **ACCOUNT})
    assert "already enrolled" in response.content.decode()
    assert Organization.objects.filter(kind="reseller").count() == 1


def test_a_used_email_reveals_nothing_and_its_owner_is_told(client, db,
                                                           django_capture_on_commit_callbacks):
    factories.UserFactory(email="wim@wingtip.test")
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued on commit
        response = client.post(ENROL, {**COMPANY, **ACCOUNT})
    # The same answer as a new applicant gets; the owner learns what to do by mail.
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert not Organization.objects.filter(kind="reseller").exists()
    assert mail.outbox[-1].to == ["wim@wingtip.test"]
    assert "sign in first and then enrol" in mail.outbox[-1].body


def test_an_unapproved_workspace_shows_the_status_and_nothing_else(client, db):
    org = factories.ResellerFactory(extension__enrollment_status="applied")
    admin = factories.member(org)
    client.force_login(admin)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    for page in ("providers/", "customers/", "team/", "audit/"):
        response = client.get(f"/o/{org.slug}/{page}")
        assert response.status_code == 403, page
        assert "Enrolment status" in response.content.decode()


def test_operator_rejects_with_a_reason_and_the_applicant_is_told(client, signed_in_operator,
                                                                  on_commit):
    org = factories.ResellerFactory(extension__enrollment_status="applied")
    applicant = factories.member(org, email="applicant@example.test")
    changelist = "/admin/resellers/reseller/"
    ask = client.post(changelist, {"action": "reject_enrollments",
                                   "_selected_action": [str(org.pk)]})
    assert ask.status_code == 200
    assert "The applicants receive this reason by email." in ask.content.decode()
    empty = client.post(changelist, {"action": "reject_enrollments", "reason": " ",
                                     "_selected_action": [str(org.pk)]})
    assert "This field is required." in empty.content.decode()
    assert Reseller.objects.get(pk=org.pk).enrollment_status == "applied"
    with on_commit():
        client.post(changelist, {"action": "reject_enrollments",
                                 "reason": "Partner id not found in the program.",
                                 "_selected_action": [str(org.pk)]})
    reseller = Reseller.objects.get(pk=org.pk)
    assert reseller.enrollment_status == "rejected"
    assert reseller.rejection_reason == "Partner id not found in the program."
    assert mail.outbox[-1].to == ["applicant@example.test"]
    assert "not approved" in mail.outbox[-1].subject
    assert "Partner id not found in the program." in mail.outbox[-1].body
    client.force_login(applicant)
    assert "Partner id not found" in client.get(f"/o/{org.slug}/").content.decode()


def test_operator_approves_and_the_applicant_is_told(client, signed_in_operator, on_commit):
    org = factories.ResellerFactory(extension__enrollment_status="applied")
    factories.member(org, email="applicant@example.test")
    with on_commit():
        client.post("/admin/resellers/reseller/", {"action": "approve_enrollments",
                                                   "_selected_action": [str(org.pk)]})
    assert Reseller.objects.get(pk=org.pk).is_approved
    assert "is approved" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(organization=org, action="reseller.approved").exists()


def test_after_verification_the_applicant_returns_to_the_link(client, db, on_commit):
    with on_commit():
        client.post(ENROL, {**COMPANY, **ACCOUNT, "next": "/invitations/partnership/abc/"})
    confirmation = next(m for m in mail.outbox if "Confirm" in m.subject)
    import re
    key_url = re.search(r"http://[^\s]+/accounts/confirm-email/[^\s]+/", confirmation.body)
    path = key_url.group(0).split("testserver", 1)[-1].split("8000", 1)[-1]
    response = client.post(path)
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    response = client.post("/accounts/login/", {"login": ACCOUNT["email"],
                                                "password": ACCOUNT["password1"]})
    assert response.url == "/invitations/partnership/abc/"


def test_enrolment_attempts_are_rate_limited(client, db, settings):
    settings.PORTAL_ENROL_PER_HOUR = 3
    for _ in range(3):
        assert client.post(ENROL, {**COMPANY, "partner_id": "12"}).status_code == 200
    response = client.post(ENROL, {**COMPANY, **ACCOUNT})
    assert response.status_code == 429
    assert "Too many enrolments" in response.content.decode()
    assert not Organization.objects.exists()

"""Gates before any page: a forced password change, then MFA set-up for the roles that need it."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.organizations.roles import Role
from tests.factories import PASSWORD, member

SET_NEW = "/accounts/set-new-password/"


@pytest.fixture
def flagged(provider_admin):
    provider_admin.must_change_password = True
    provider_admin.save()
    return provider_admin


@pytest.mark.parametrize("path", ["/", "/o/contoso/", "/o/contoso/team/", "/accounts/email/",
                                  "/accounts/password/change/", "/admin/", "/o/tailspin/"])
def test_flagged_user_reaches_only_the_set_new_password_page(client, flagged, path):
    client.force_login(flagged)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == SET_NEW


def test_flagged_user_can_still_sign_out(client, flagged):
    client.force_login(flagged)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_a_new_password_lifts_the_gate(client, flagged, provider):
    client.post("/accounts/login/", {"login": flagged.email, "password": PASSWORD})
    assert client.get("/o/contoso/").url == SET_NEW

    response = client.get(SET_NEW)
    assert response.status_code == 200
    assert "Set a new password" in response.content.decode()

    response = client.post(SET_NEW, {"new_password1": "Brand-new-secret-77",
                                     "new_password2": "Brand-new-secret-77"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert not flagged.must_change_password
    assert flagged.check_password("Brand-new-secret-77")
    # Still signed in (session hash updated) and free to go.
    assert client.get("/o/contoso/").status_code == 200
    assert AuditEvent.objects.filter(action="account.password_set", actor=flagged).exists()


@pytest.mark.parametrize(("new1", "new2", "message"), [
    ("Brand-new-secret-77", "Other-secret-77", "The two password fields didn"),
    ("123", "123", "This password is too short"),
    (PASSWORD, PASSWORD, "different from the temporary one"),
])
def test_bad_new_passwords_are_refused_next_to_the_field(client, flagged, new1, new2, message):
    client.force_login(flagged)
    response = client.post(SET_NEW, {"new_password1": new1, "new_password2": new2})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    flagged.refresh_from_db()
    assert flagged.must_change_password
    assert flagged.check_password(PASSWORD)


def test_unflagged_user_is_sent_home_from_the_set_new_password_page(client, provider_admin):
    client.force_login(provider_admin)
    assert client.get(SET_NEW).url == reverse("home")


@pytest.fixture
def mfa_for_admins_and_staff(settings):
    """MFA is required of provider admins, reseller admins and staff."""
    settings.PORTAL_REQUIRE_MFA_ROLES = ["provider:admin", "reseller:admin", "staff"]


def test_roles_that_need_mfa_are_sent_to_totp_set_up(client, mfa_for_admins_and_staff,
                                                     provider_admin):
    client.force_login(provider_admin)
    response = client.get("/o/contoso/customers/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The set-up pages themselves stay reachable.
    assert client.get(reverse("mfa_index")).status_code == 200


def test_staff_need_mfa_too_when_the_setting_says_so(client, mfa_for_admins_and_staff,
                                                     django_user_model):
    operator = django_user_model.objects.create_user("ops@example.test", "x-" * 8, is_staff=True)
    client.force_login(operator)
    assert client.get("/admin/").url == reverse("mfa_activate_totp")


def test_roles_without_the_requirement_pass(client, mfa_for_admins_and_staff, provider):
    sales = member(provider, Role.SALES)
    client.force_login(sales)
    assert client.get("/o/contoso/customers/").status_code == 200


def test_a_user_with_totp_passes(client, mfa_for_admins_and_staff, provider_admin):
    Authenticator.objects.create(user=provider_admin, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(provider_admin)
    assert client.get("/o/contoso/customers/").status_code == 200

"""TOTP set-up with recovery codes, then a sign-in that asks for the code."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.factories import PASSWORD


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def mfa_for_provider_admins(settings):
    """MFA is required of provider admins."""
    settings.PORTAL_REQUIRE_MFA_ROLES = ["provider:admin"]


def test_admin_sets_up_totp_then_signs_in_with_a_code(client, mfa_for_provider_admins,
                                                      provider_admin):
    client.post("/accounts/login/", {"login": provider_admin.email, "password": PASSWORD})
    # The gate sends the admin to TOTP set-up before anything else.
    assert client.get("/o/contoso/").url == "/accounts/2fa/totp/activate/"
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200
    secret = setup.context["form"].secret

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=provider_admin).exists()

    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    kinds = set(Authenticator.objects.filter(user=provider_admin).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    assert client.get("/o/contoso/").status_code == 200

    # Next sign-in: the password alone is not enough.
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": provider_admin.email,
                                                "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(provider_admin.pk)
    assert client.get("/o/contoso/").status_code == 200

"""Gates that come before any page: a forced password change, then MFA set-up."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

# Paths a gated user may still reach: the gate itself, signing out, assets.
_ALWAYS_OPEN = ("/static/", "/media/", "/accounts/logout/", "/i18n/", "/healthz", "/readyz")


def _is_open(path, *prefixes):
    return path.startswith(_ALWAYS_OPEN + prefixes)


class ForcePasswordChangeMiddleware:
    """A user flagged `must_change_password` sees only the set-new-password page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            from .adapters import temporary_password_expired

            if temporary_password_expired(user):
                # Signed in before the temporary password expired: that session ends too.
                logout(request)
                return redirect_to_login(request.get_full_path())
            target = reverse("accounts:set_new_password")
            if not _is_open(request.path, target):
                return redirect(target)
        return self.get_response(request)


def mfa_required_for(user):
    """True when one of the user's memberships (or staff status) is in PORTAL_REQUIRE_MFA_ROLES."""
    wanted = set(settings.PORTAL_REQUIRE_MFA_ROLES)
    if not wanted or not user.is_authenticated:
        return False
    if "staff" in wanted and user.is_staff:
        return True
    pairs = user.memberships.values_list("organization__kind", "role")
    return any(f"{kind}:{role}" in wanted for kind, role in pairs)


class RequireMFAMiddleware:
    """Users whose role asks for MFA set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.PORTAL_REQUIRE_MFA_ROLES
            and user.is_authenticated
            and not _is_open(request.path, "/accounts/2fa/", "/accounts/reauthenticate/")
            and mfa_required_for(user)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

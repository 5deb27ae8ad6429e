"""Gates that come before any page (a forced password change, then MFA set-up), and the
signed-in user's language."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

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


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and Accept-Language.

    LocaleMiddleware (before authentication) picks the visitor's language; here the user's
    choice replaces it, and the language cookie follows it so that the sign-in page after
    signing out still speaks the user's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = _saved_language(user)
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        language = _saved_language(user)  # the language switch may just have changed it
        name = settings.LANGUAGE_COOKIE_NAME
        if (language and request.COOKIES.get(name) != language
                and name not in response.cookies):
            response.set_cookie(
                name, language,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response


def _saved_language(user):
    if user is None or not user.is_authenticated:
        return None
    saved = (user.language or "").lower()
    return saved if saved in dict(settings.LANGUAGES) else None

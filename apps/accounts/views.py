"""Account pages that allauth does not provide."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from apps.i18n import time_zone_for_country

from .forms import SetNewPasswordForm, TimeZoneForm
from .services import user_set_language, user_set_new_password, user_set_time_zone


@login_required
@require_http_methods(["GET", "POST"])
def set_new_password(request):
    if not request.user.must_change_password:
        return redirect("home")
    form = SetNewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_set_new_password(
            user=request.user, password=form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your new password is set."))
        return redirect("home")
    return render(request, "accounts/set_new_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def time_zone(request):
    """The account's time zone: one of the common zones, or the organization's default."""
    organization = request.user.last_organization
    default = time_zone_for_country(organization.country if organization else "")
    form = TimeZoneForm(request.POST or None, initial={"time_zone": request.user.time_zone},
                        default_label=_("Default for your organization (%(zone)s)")
                        % {"zone": default})
    if request.method == "POST" and form.is_valid():
        user_set_time_zone(user=request.user, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, _("Your time zone is saved."))
        return redirect("accounts:time_zone")
    return render(request, "accounts/time_zone.html", {"form": form})


@csrf_exempt
@require_POST
def set_language(request):
    """The language switch: Django's set_language (the cookie, back to `next`); for a
    signed-in user the saved preference too, which then wins on every page and in mail.

    A visitor's switch only sets their own display cookie, as a link could, so it needs no
    CSRF token: the public directory is cached for everyone and carries none. Changing a
    signed-in user's account does need one.
    """
    if (request.POST.get("language") or "").lower() not in dict(settings.LANGUAGES):
        # Only the portal's languages: Django would set the cookie for any it has files for.
        request.POST = request.POST.copy()
        request.POST.pop("language", None)
    if request.user.is_authenticated:
        return _set_saved_language(request)
    return i18n.set_language(request)


@csrf_protect
def _set_saved_language(request):
    response = i18n.set_language(request)
    user_set_language(user=request.user, language=request.POST.get("language"))
    return response

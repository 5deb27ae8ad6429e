"""Account pages that allauth does not provide."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import SetNewPasswordForm
from .services import user_set_new_password


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

"""allauth adapter: keeps emails lower-case and refuses expired temporary passwords."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _


def temporary_password_expired(user):
    return bool(user.must_change_password and user.password_expires_at
                and user.password_expires_at <= timezone.now())


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def pre_login(self, request, user, **kwargs):
        if temporary_password_expired(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, _("Your temporary password has expired. Ask your provider "
                                      "or reseller for new sign-in details."))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

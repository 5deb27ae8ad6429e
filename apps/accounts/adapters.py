"""allauth adapter: keeps emails lower-case and refuses expired temporary passwords."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from apps.http import client_ip

from .services import user_set_language


def temporary_password_expired(user):
    return bool(user.must_change_password and user.password_expires_at
                and user.password_expires_at <= timezone.now())


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        email = super().clean_email(email).strip().lower()
        # Customer admin accounts (admin@<prefix>.<suffix>) are made by provisioning only;
        # nobody may sign up with, or add, an address under that domain.
        suffix = "." + settings.CUSTOMER_DOMAIN_SUFFIX.lower()
        if email.rsplit("@", 1)[-1].endswith(suffix):
            raise ValidationError(_("Addresses under %(domain)s are reserved for customer "
                                    "accounts the portal creates.")
                                  % {"domain": settings.CUSTOMER_DOMAIN_SUFFIX})
        return email

    def get_client_ip(self, request):
        # allauth's rate limits count by the same address as ours (PORTAL_TRUSTED_PROXY_COUNT);
        # a short X-Forwarded-For falls back to the peer's address, not allauth's error (a 500).
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address

    def get_login_redirect_url(self, request):
        # A page that asked the visitor to enrol first (a partnership link) is where they
        # return once their e-mail is verified and they are signed in.
        target = request.session.pop("portal_next", None)
        if target and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return target
        return super().get_login_redirect_url(request)

    def login(self, request, user):
        super().login(request, user)
        # A first sign-in keeps the language the user signed in with (cookie or browser):
        # later pages and the mail they receive use it until they choose another.
        user_set_language(user=user, language=translation.get_language(), only_if_unset=True)

    def send_mail(self, template_prefix, email, context):
        # allauth's own mails (verification, password reset) in the recipient's saved
        # language when the address belongs to an account, else the page's language.
        user = context.get("user")
        saved = (getattr(user, "language", "") or "").lower()
        language = saved if saved in dict(settings.LANGUAGES) else translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject):
        return f"[{_('Partner Center')}] {subject}"

    def pre_login(self, request, user, **kwargs):
        if temporary_password_expired(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, _("Your temporary password has expired. Ask your provider "
                                      "or reseller for new sign-in details."))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def is_reauthentication_required(self, *, app, **kwargs):
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        # A sign-in moments ago proves what a reauthentication would: the MFA gate sends
        # users to TOTP set-up right after they sign in, without a second password prompt.
        from allauth.account.internal.flows.login import get_authentication_records

        request = context.request
        records = get_authentication_records(request, request.user) if request else []
        latest = max((record.get("at", 0) for record in records), default=0)
        return time.time() - latest >= account_settings.REAUTHENTICATION_TIMEOUT

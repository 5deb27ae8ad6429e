"""allauth adapter: keeps emails lower-case and audits sign-ups."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.http import url_has_allowed_host_and_scheme


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def get_login_redirect_url(self, request):
        # A page that asked the visitor to enrol first (a partnership link) is where they
        # return once their e-mail is verified and they are signed in.
        target = request.session.pop("portal_next", None)
        if target and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return target
        return super().get_login_redirect_url(request)

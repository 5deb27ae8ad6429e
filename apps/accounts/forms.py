"""Account forms."""

from allauth.account.forms import ResetPasswordForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from apps.i18n import time_zone_choices


class SetNewPasswordForm(SetPasswordForm):
    """Choose a new password in place of a temporary one; it must differ from it."""

    def clean_new_password1(self):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise ValidationError(
                _("Choose a password different from the temporary one."), code="password_reused"
            )
        return password


class TimeZoneForm(forms.Form):
    """The time zone dates and times are shown in; empty: the organization's country's."""

    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args, default_label="", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", default_label), *time_zone_choices()]


class ForgottenPasswordForm(ResetPasswordForm):
    """Password reset by mail, for every address that can receive one. An address under
    the customer domain (admin@<prefix>.<CUSTOMER_DOMAIN_SUFFIX>) is not a mailbox: its
    owner is told who resets the password instead (the customer's Users page)."""

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        suffix = "." + settings.CUSTOMER_DOMAIN_SUFFIX.lower()
        if email.rsplit("@", 1)[-1].endswith(suffix):
            raise ValidationError(
                gettext_lazy("Addresses under %(domain)s cannot receive e-mail, so no reset "
                             "link can be sent. Ask your provider, your indirect reseller or "
                             "an admin of your organization to reset your password: they "
                             "give you a temporary one.")
                % {"domain": settings.CUSTOMER_DOMAIN_SUFFIX}, code="no_mailbox")
        return super().clean_email()

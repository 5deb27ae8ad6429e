"""Account forms."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
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

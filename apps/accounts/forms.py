"""Account forms."""

from django.contrib.auth.forms import SetPasswordForm


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

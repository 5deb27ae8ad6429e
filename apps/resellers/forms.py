"""Forms for reseller enrolment and its rejection in the admin."""

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class EnrollmentForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    # django-countries takes a lazy blank_label (rendered as text); its stubs say str only.
    country = CountryField(  # type: ignore[call-overload]
        blank_label=_("Choose a country")).formfield(label=_("Country"))
    partner_id = forms.CharField(
        label=_("Partner id"), max_length=10,
        help_text=_("Your program partner id: 6 to 10 digits."),
        validators=[RegexValidator(r"^\d{6,10}$", _("Enter 6 to 10 digits, nothing else."))])
    address = forms.CharField(label=_("Address"), max_length=300,
                              widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label=_("Primary contact"), max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254,
                             help_text=_("You sign in with this address; we send a link to "
                                         "verify it."))
    password1 = forms.CharField(label=_("Password"), strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            # A signed-in applicant enrols with the account they have.
            for name in ("email", "password1", "password2"):
                del self.fields[name]

    def clean_email(self):
        from allauth.account.adapter import get_adapter

        # The same rules as sign-up (lower case, reserved customer domain).
        return get_adapter().clean_email(self.cleaned_data["email"])

    def clean(self):
        super().clean()  # Form.clean() returns cleaned_data; the stubs allow None
        cleaned = self.cleaned_data
        if "password1" in self.fields:
            first, second = cleaned.get("password1"), cleaned.get("password2")
            if first and second and first != second:
                self.add_error("password2", _("You must type the same password each time."))
            elif first:
                try:
                    password_validation.validate_password(first)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class RejectEnrollmentForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the applicant)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))

"""The customer Users page's forms: Add user, and the confirmations of Reset password and
Disable. Each carries an idempotency key, so that a form sent twice acts once."""

import re
import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from apps.organizations.roles import Kind, role_choices

_OUT_OF_DATE = _("This form is out of date. Open the Users page again.")


class KeyedForm(forms.Form):
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _OUT_OF_DATE, "invalid": _OUT_OF_DATE})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class AddUserForm(KeyedForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    username = forms.CharField(
        label=_("User name"), max_length=64,
        validators=[RegexValidator(
            r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$",
            _("Use letters, digits, dots, hyphens and underscores; start and end with a "
              "letter or digit."), flags=re.IGNORECASE)],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "none"}))
    role = forms.ChoiceField(label=_("Role"), choices=role_choices(Kind.CUSTOMER),
                             initial="user")

    field_order = ["first_name", "last_name", "username", "role"]

    def __init__(self, *args, domain, **kwargs):
        super().__init__(*args, **kwargs)
        # Help text is shown as HTML (templates/partials/field.html): the domain is escaped.
        self.fields["username"].help_text = _(
            "The user signs in with the user name followed by @%(domain)s.") % {
                "domain": escape(domain)}

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

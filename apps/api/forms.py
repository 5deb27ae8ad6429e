"""The API keys page's form: a name, a role (none above the creator's) and an optional
expiry date."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiKey


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the key is for, e.g. the system that uses it."))
    role = forms.ChoiceField(label=_("Role"), choices=ApiKey.ROLES,
                             help_text=_("The key acts with this role's rights; never more "
                                         "than your own."))
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Optional. The key stops working at the start "
                                             "of this day (UTC)."))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name for the key."))
        return name

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.now().date():
            raise forms.ValidationError(_("Choose an expiry date in the future."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)

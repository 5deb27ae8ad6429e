from django import forms
from django.utils.translation import gettext_lazy as _

from . import http
from .events import event_choices


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("Endpoint URL"), max_length=2000,
                          help_text=_("An https:// address on the internet that accepts POST "
                                      "requests; we send each event as JSON."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event."),
                        "invalid_choice": _("Choose events from the list.")})
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["enabled"]

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if "\x00" in url:
            raise forms.ValidationError(_("Enter a valid URL."))
        problem = http.check_url(url)
        if problem:
            raise forms.ValidationError(problem)
        try:
            forms.URLField(assume_scheme="https").clean(url)
        except forms.ValidationError as error:
            raise forms.ValidationError(_("Enter a valid URL.")) from error
        return url

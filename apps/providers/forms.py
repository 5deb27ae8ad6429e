"""Forms: Request a change (company name, logo, locations), the directory search, rejection."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_countries import countries

from apps.errors import DomainError
from apps.forms import BulkSelect, declared_field

from .logos import logo_from_upload
from .services import MAX_LOCATIONS
from .validators import MAX_NAME_LENGTH, MAX_URL_LENGTH, clean_company_name, clean_target_url


def _country_choices(blank_label):
    return [("", blank_label), *countries]


class ProfileChangeForm(forms.Form):
    company_name = forms.CharField(
        label=_("Company name"), max_length=MAX_NAME_LENGTH,
        help_text=_("The name the directory shows for your company."))
    logo = forms.FileField(
        label=_("New logo (optional)"), required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1 MB. We convert it to PNG and scale it to fit "
                    "512 x 512 pixels. SVG files are not accepted."))
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    def __init__(self, *args, has_logo=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_logo:
            del self.fields["remove_logo"]

    def clean_company_name(self):
        return clean_company_name(self.cleaned_data["company_name"])

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        try:
            return logo_from_upload(upload)
        except DomainError as error:
            raise ValidationError(error.message, code="logo") from error

    def clean(self):
        super().clean()  # Form.clean() returns cleaned_data; the stubs allow None
        cleaned = self.cleaned_data
        if cleaned.get("logo") and cleaned.get("remove_logo"):
            self.add_error("remove_logo", _("Upload a new logo or remove the current one, "
                                            "not both."))
        return cleaned


class LocationForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=())
    target_url = forms.CharField(
        label=_("Target URL"), max_length=MAX_URL_LENGTH, strip=True,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
        help_text=_("The https:// page visitors from this country go to."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "country", forms.ChoiceField).choices = _country_choices(
            _("Choose a country"))

    def clean_target_url(self):
        return clean_target_url(self.cleaned_data["target_url"])


class BaseLocationFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("Keep at least one location with its target URL."),
        "too_many_forms": ngettext_lazy("Give at most %(num)d location.",
                                        "Give at most %(num)d locations.", "num"),
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this location")

    def clean(self):
        # Checked even when other rows have errors, so every problem shows in one go.
        seen = {}
        duplicates = []
        for form in self.forms:
            # Django's own test of the DELETE box (undocumented, absent from the stubs).
            if self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            code = getattr(form, "cleaned_data", {}).get("country")
            if not code:
                continue
            if code in seen:
                form.add_error("country", _("%(country)s is already listed above. Give each "
                                            "location once.")
                               % {"country": countries.name(code)})
                duplicates.append(countries.name(code))
            seen[code] = form
        if duplicates:
            raise ValidationError(_("Each country can be listed once: %(countries)s appears "
                                    "more than once.") % {"countries": ", ".join(duplicates)},
                                  code="duplicate")

    def locations(self):
        """[(country, url)] of the rows kept (not removed, not left blank)."""
        return [(form.cleaned_data["country"], form.cleaned_data["target_url"])
                for form in self.forms
                if form.cleaned_data
                and not self._should_delete_form(form)  # type: ignore[attr-defined]
                and form.cleaned_data.get("country")]


# formset_factory makes a subclass of `formset`; the stubs type it as a plain BaseFormSet.
LocationFormSet = cast("type[BaseLocationFormSet]", forms.formset_factory(
    LocationForm, formset=BaseLocationFormSet, extra=2, can_delete=True, can_delete_extra=False,
    min_num=1, validate_min=True, max_num=MAX_LOCATIONS, validate_max=True,
    absolute_max=MAX_LOCATIONS))  # never build more forms than can be saved


class DirectorySearchForm(forms.Form):
    """GET parameters of /directory/: anything a visitor can type is accepted or ignored."""

    # Drawn in one pass (BulkSelect), not a widget template per country.
    country = forms.ChoiceField(label=_("Country or region"), required=False, choices=(),
                                widget=BulkSelect)
    q = forms.CharField(label=_("Company name"), required=False, max_length=100)

    def __init__(self, data, *, available):
        data = data.copy()
        code = str(data.get("country", "")).strip().upper()[:2]
        choices = list(available)
        if code in countries and code not in dict(choices):
            # A country with no listing (yet): filter by it and say so, rather than refuse.
            choices.append((code, countries.name(code)))
        data["country"] = code if code in dict(choices) else ""
        data["q"] = " ".join(str(data.get("q", "")).replace("\x00", "").split())[:100]
        super().__init__(data)
        self.country_choices = [("", _("All countries")), *choices]
        declared_field(self, "country", forms.ChoiceField).choices = self.country_choices

    def clean_country(self):
        return self.cleaned_data.get("country") or ""


class RejectChangeRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the provider)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))

"""The Customers page's filters: search by company or domain, filter by indirect reseller
(a provider's page) or by provider (a reseller's).

A plain form rather than a django-filters FilterSet: the FilterSet deep-copied its filters
and built a form class on every request (about 0.4 ms of CPU, and objects in reference
cycles that only the garbage collector frees). The behaviour is the same: an unbound form
filters nothing, a value that does not validate is left out (its error shown next to the
field), the others apply.
"""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.forms import BulkSelect, PythonInput, declared_field
from apps.organizations.roles import Kind
from apps.partnerships.selectors import partnership_history

from .options import reseller_options
from .selectors import customer_search

NO_RESELLER = "none"


class _FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search by company or domain"), max_length=100, required=False,
        widget=PythonInput(attrs={"type": "search", "autocomplete": "off"}))


class ProviderFilterForm(_FilterForm):
    reseller = forms.ChoiceField(
        label=_("Indirect reseller"), required=False, widget=BulkSelect,
        error_messages={"invalid_choice": _("Choose a reseller from the list.")})


class ResellerFilterForm(_FilterForm):
    provider = forms.ChoiceField(
        label=_("Provider"), required=False, widget=BulkSelect,
        error_messages={"invalid_choice": _("Choose a provider from the list.")})


class CustomerFilter:
    """`form` (bound to the URL's parameters, or unbound without any), and `qs`: the
    `queryset` with the valid filters applied."""

    form: forms.Form

    def __init__(self, data=None, queryset=None, *, organization, options=None):
        self.is_bound = data is not None
        self.queryset = queryset
        if organization.kind == Kind.PROVIDER:
            self.form = ProviderFilterForm(data) if self.is_bound else ProviderFilterForm()
            # The options are kept as ready HTML in the cache (options.py); the field's own
            # choices are only those the request may pick, which is all it validates. A
            # page that read them already (with its total) passes them as `options`.
            options = options or reseller_options(provider=organization)
            chosen = data.get("reseller", "") if data is not None else ""
            field = declared_field(self.form, "reseller", forms.ChoiceField)
            field.choices = [
                ("", _("Any reseller")), (NO_RESELLER, _("No reseller (direct customers)")),
                *([(chosen, options.names[chosen])] if chosen in options.names else [])]
            field.widget.prerendered, field.widget.prerendered_from = options.html, 2
        else:
            # A reseller's customers are all its own; they come from its providers.
            self.form = ResellerFilterForm(data) if self.is_bound else ResellerFilterForm()
            providers = {p.provider_id: p.provider.name
                         for p in partnership_history(reseller=organization)}
            declared_field(self.form, "provider", forms.ChoiceField).choices = [
                ("", _("Any provider")),
                *sorted(((str(pk), name) for pk, name in providers.items()),
                        key=lambda c: c[1])]

    @cached_property
    def qs(self):
        queryset = self.queryset
        if not self.is_bound:
            return queryset
        self.form.is_valid()  # validated once; cleaned_data holds the fields that passed
        values = self.form.cleaned_data
        if values.get("q"):
            queryset = customer_search(queryset, values["q"])
        reseller = values.get("reseller")
        if reseller == NO_RESELLER:
            queryset = queryset.filter(reseller__isnull=True)
        elif reseller:
            queryset = queryset.filter(reseller_id=reseller)
        if values.get("provider"):
            queryset = queryset.filter(provider_id=values["provider"])
        return queryset

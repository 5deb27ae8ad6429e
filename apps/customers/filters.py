"""The Customers page's filters: search by company or domain, filter by indirect reseller."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.forms import BulkSelect, PythonInput
from apps.organizations.roles import Kind
from apps.partnerships.selectors import partnership_history

from .options import reseller_options
from .selectors import customer_search

NO_RESELLER = "none"


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search by company or domain"), method="search", max_length=100,
        widget=PythonInput(attrs={"type": "search", "autocomplete": "off"}))
    reseller = django_filters.ChoiceFilter(
        label=_("Indirect reseller"), method="by_reseller", empty_label=_("Any reseller"),
        widget=BulkSelect,
        error_messages={"invalid_choice": _("Choose a reseller from the list.")})
    provider = django_filters.ChoiceFilter(
        label=_("Provider"), method="by_provider", empty_label=_("Any provider"),
        widget=BulkSelect,
        error_messages={"invalid_choice": _("Choose a provider from the list.")})

    def __init__(self, data=None, queryset=None, *, organization, options=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if organization.kind == Kind.PROVIDER:
            # The options are kept as ready HTML in the cache (options.py); the field's own
            # choices are only those the request may pick, which is all it validates. A
            # page that read them already (with its total) passes them as `options`.
            options = options or reseller_options(provider=organization)
            chosen = data.get("reseller", "") if data is not None else ""
            self.filters["reseller"].extra["choices"] = [
                (NO_RESELLER, _("No reseller (direct customers)")),
                *([(chosen, options.names[chosen])] if chosen in options.names else [])]
            del self.filters["provider"]
            widget = self.form.fields["reseller"].widget
            widget.prerendered, widget.prerendered_from = options.html, 2  # after Any, none
        else:
            # A reseller's customers are all its own; they come from its providers.
            del self.filters["reseller"]
            providers = {p.provider_id: p.provider.name
                         for p in partnership_history(reseller=organization)}
            self.filters["provider"].extra["choices"] = sorted(
                ((str(pk), name) for pk, name in providers.items()), key=lambda c: c[1])

    def search(self, queryset, name, value):
        return customer_search(queryset, value)

    def by_provider(self, queryset, name, value):
        return queryset.filter(provider_id=value)

    def by_reseller(self, queryset, name, value):
        if value == NO_RESELLER:
            return queryset.filter(reseller__isnull=True)
        return queryset.filter(reseller_id=value)

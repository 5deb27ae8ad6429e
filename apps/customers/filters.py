"""The Customers page's filters: search by company or domain, filter by indirect reseller."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organizations.roles import Kind
from apps.partnerships.selectors import partnership_history

from .selectors import customer_reseller_choices, customer_search

NO_RESELLER = "none"


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search by company or domain"), method="search", max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    reseller = django_filters.ChoiceFilter(
        label=_("Indirect reseller"), method="by_reseller", empty_label=_("Any reseller"),
        error_messages={"invalid_choice": _("Choose a reseller from the list.")})
    provider = django_filters.ChoiceFilter(
        label=_("Provider"), method="by_provider", empty_label=_("Any provider"),
        error_messages={"invalid_choice": _("Choose a provider from the list.")})

    def __init__(self, data=None, queryset=None, *, organization, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if organization.kind == Kind.PROVIDER:
            self.filters["reseller"].extra["choices"] = [
                (NO_RESELLER, _("No reseller (direct customers)")),
                *((str(r.pk), r.name) for r in customer_reseller_choices(provider=organization)),
            ]
            del self.filters["provider"]
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

"""The form a provider asks an existing customer with for a reseller relationship."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.forms import declared_field

if TYPE_CHECKING:
    from apps.organizations.models import Organization


class RelationshipRequestForm(forms.Form):
    reseller: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("Indirect reseller"), queryset=None,
        empty_label=_("Choose a partnered reseller"))
    message = forms.CharField(label=_("Message to the customer (optional)"), max_length=2000,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, resellers, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "reseller", forms.ModelChoiceField).queryset = resellers

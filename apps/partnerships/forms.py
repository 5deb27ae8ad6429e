"""Forms for partnership requests, their draft e-mail, and ending a partnership."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PartnershipRequestForm(forms.Form):
    email = forms.EmailField(label=_("Reseller's email"), max_length=254)
    name = forms.CharField(label=_("Reseller's name (optional)"), max_length=200,
                           required=False)


class DraftForm(forms.Form):
    to = forms.EmailField(label=_("To"), disabled=True, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 14}))


class EndPartnershipForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: the reseller loses access to these customers."), required=True)

"""Support forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.forms import declared_field

from .models import SupportRequest

if TYPE_CHECKING:
    from apps.subscriptions.models import Subscription


class OpenRequestForm(forms.Form):
    subscription: forms.ModelChoiceField[Subscription] = forms.ModelChoiceField(
        label=_("Subscription"), queryset=None, required=False,
        empty_label=_("Not about one subscription"),
        help_text=_("The request goes to this subscription's designated support contact."))
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(label=_("Severity"), choices=SupportRequest.Severity.choices,
                                 initial=SupportRequest.Severity.NORMAL)
    description = forms.CharField(label=_("Description"), max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, subscriptions, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "subscription", forms.ModelChoiceField).queryset = subscriptions


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    # Drawn when the page is drawn; a page opened before it existed sends none.
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SupportRequest.Status.choices)

"""The subscription page's forms: support contact, reseller of record, licenses, upgrade,
suspension and auto-renew. Each change form carries an idempotency key, so that a form
sent twice changes the subscription once."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import ResellerChoiceField


class ChangeForm(forms.Form):
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("This form is out of date. Open the subscription again."),
                        "invalid": _("This form is out of date. Open the subscription again.")})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class SupportContactForm(forms.Form):
    support_contact = ResellerChoiceField(
        label=_("Designated support contact"), queryset=None, empty_label=None,
        error_messages={
            "required": _("Choose the designated support contact."),
            "invalid_choice": _("Choose your own organization or one of your partnered "
                                "indirect resellers."),
        },
        help_text=_("Support requests about this subscription go to this organization."))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_contact"].queryset = choices


class ResellerOfRecordForm(forms.Form):
    reseller_of_record = ResellerChoiceField(
        label=_("Reseller of record"), queryset=None, required=False,
        empty_label=_("None: no reseller is credited"),
        error_messages={"invalid_choice": _("Choose one of your partnered indirect resellers.")},
        help_text=_("The reseller credited with this subscription for incentives."))

    def __init__(self, *args, resellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reseller_of_record"].queryset = resellers


class LicensesForm(ChangeForm):
    quantity = forms.IntegerField(
        label=_("Licenses"),
        error_messages={"required": _("Enter the number of licenses."),
                        "invalid": _("Enter a whole number of licenses.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    field_order = ["quantity", "idempotency_key"]

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, **kwargs)
        quantity = self.fields["quantity"]
        limits = {"offer": offer.name, "min": offer.min_licenses, "max": offer.max_licenses}
        quantity.validators.append(_Between(
            offer.min_licenses, offer.max_licenses,
            ngettext("%(offer)s allows %(min)s to %(max)s license.",
                     "%(offer)s allows %(min)s to %(max)s licenses.", offer.max_licenses)
            % limits))
        quantity.widget.attrs.update({"min": offer.min_licenses, "max": offer.max_licenses})


class _Between:
    """One message for both limits, naming the offer's range."""

    def __init__(self, low, high, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, value):
        if value is not None and not self.low <= value <= self.high:
            raise forms.ValidationError(self.message, code="limits")

    def __eq__(self, other):
        return isinstance(other, _Between) and (self.low, self.high) == (other.low, other.high)


class UpgradeForm(ChangeForm):
    offer = ResellerChoiceField(
        label=_("Upgrade to"), queryset=None, empty_label=None,
        error_messages={"required": _("Choose an offer to upgrade to."),
                        "invalid_choice": _("Choose an offer on this subscription's upgrade "
                                            "path.")})

    field_order = ["offer", "idempotency_key"]

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers


class AutoRenewForm(ChangeForm):
    auto_renew = forms.TypedChoiceField(
        choices=[("on", _("On")), ("off", _("Off"))], coerce=lambda value: value == "on",
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose whether the subscription renews."),
                        "invalid_choice": _("Choose whether the subscription renews.")})

"""Price lists and their rules, a reseller's terms (price list, credit limit), tax rates
and tax ids."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.catalog.models import Offer
from apps.forms import declared_field
from apps.i18n import format_money

from .models import PriceList

MONEY_MAX = Decimal("999999999999.99")


class PriceListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    is_default = forms.BooleanField(
        label=_("Default list"), required=False,
        help_text=_("Resellers without a list of their own pay these prices; so do your "
                    "direct customers."))


class PriceRuleForm(forms.Form):
    KIND_CHOICES = [("margin", _("Margin over cost")), ("fixed", _("Fixed price"))]

    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.none(),
                                   required=False, empty_label=_("Every offer"))
    kind = forms.ChoiceField(label=_("Price"), choices=KIND_CHOICES, initial="margin",
                             widget=forms.RadioSelect)
    margin_percent = forms.DecimalField(label=_("Margin (%)"), required=False,
                                        max_digits=6, decimal_places=2, min_value=-100,
                                        max_value=1000)
    fixed_price = forms.DecimalField(label=_("Fixed price per license"), required=False,
                                     max_digits=10, decimal_places=2, min_value=0)
    effective_from = forms.DateField(label=_("Effective from"),
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, offers, margin_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "offer", forms.ModelChoiceField).queryset = offers
        self.fields["effective_from"].initial = timezone.localdate()
        if margin_label:
            self.fields["margin_percent"].label = margin_label
            declared_field(self, "kind", forms.ChoiceField).choices = [
                ("margin", margin_label), ("fixed", _("Fixed price"))]

    def clean(self):
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == "margin":
            if data.get("margin_percent") is None:
                self.add_error("margin_percent", _("Enter the margin in %."))
            data["fixed_price"] = None
        elif kind == "fixed":
            if data.get("fixed_price") is None:
                self.add_error("fixed_price", _("Enter the price per license."))
            if data.get("offer") is None:
                self.add_error("offer", _("A fixed price is for one offer: choose the offer."))
            data["margin_percent"] = None
        return data


class ResellerTermsForm(forms.Form):
    price_list = forms.ModelChoiceField(label=_("Price list"), queryset=PriceList.objects.none(),
                                        required=False, empty_label=_("The default list"))
    credit_limit = forms.DecimalField(
        label=_("Credit limit per month"), required=False, max_digits=14, decimal_places=2,
        min_value=0, max_value=MONEY_MAX,
        help_text=_("Orders the reseller places are refused once its charges this month "
                    "would pass it. Leave empty for no limit."))

    def __init__(self, *args, price_lists, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "price_list", forms.ModelChoiceField).queryset = price_lists


class TaxRateForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=[])
    rate = forms.DecimalField(label=_("Rate (%)"), max_digits=5, decimal_places=2,
                              min_value=0, max_value=100,
                              help_text=_("Leave empty to remove the country's rate."),
                              required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        declared_field(self, "country", forms.ChoiceField).choices = [
            ("", "---------"), *countries]


class TaxIdForm(forms.Form):
    tax_id = forms.CharField(
        label=_("Tax ID"), max_length=40, required=False,
        help_text=_("Printed on invoices. A buyer with a tax ID in another country than "
                    "the seller's is invoiced under reverse charge."))

    def clean_tax_id(self):
        value = self.cleaned_data["tax_id"].strip()
        if value and not all(c.isalnum() or c in " -." for c in value):
            raise forms.ValidationError(_("Use letters, digits, spaces, dots and hyphens."))
        return value


class CreditNoteForm(forms.Form):
    """Credit chosen lines of an invoice: an amount per line (before tax), at most what the
    line can still be credited. `request_key` makes a double submit one credit note."""

    request_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, creditable, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        for charge, invoiced, remaining in creditable.lines:
            name = f"line_{charge.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("%(customer)s · %(offer)s · %(start)s to %(end)s") % {
                    "customer": charge.customer.name, "offer": charge.offer.name,
                    "start": date_format(charge.period_start, "SHORT_DATE_FORMAT"),
                    "end": date_format(charge.period_end, "SHORT_DATE_FORMAT")},
                required=False, min_value=0, max_digits=14, decimal_places=2,
                max_value=MONEY_MAX,
                help_text=_("Invoiced %(invoiced)s; up to %(remaining)s can still be "
                            "credited.") % {
                    "invoiced": format_money(invoiced, creditable.currency),
                    "remaining": format_money(remaining, creditable.currency)},
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}))
            self.lines.append((name, charge, remaining))

    def amounts(self):
        """{charge id: amount} of the lines given an amount."""
        return {name.removeprefix("line_"): self.cleaned_data[name]
                for name, _charge, _remaining in self.lines
                if self.cleaned_data.get(name)}

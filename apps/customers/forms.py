"""The New customer wizard's forms: customer details, subscriptions, review."""

import re

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.html import escape
from django.utils.translation import get_language, gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from apps.partnerships.selectors import partnered_resellers

from .selectors import admin_username, domain_prefix_available

_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
PREFIX_MAX = 63


def _portal_language(code):
    """`code` when the portal speaks it, else the default language."""
    code = (code or "").lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def domain_prefix_problem(value):
    """Why `value` cannot be a new customer's domain prefix, or None when it can."""
    if not value:
        return gettext("Enter a domain prefix.")
    if len(value) > PREFIX_MAX or not _PREFIX.match(value):
        return gettext("Use 1 to 63 lower-case letters, digits and hyphens, starting and ending "
                  "with a letter or digit.")
    if not domain_prefix_available(value):
        return gettext("%(username)s is already taken. Choose another domain prefix.") % {
            "username": admin_username(value)}
    return None


def normalize_prefix(value):
    return (value or "").strip().lower()


_phone = RegexValidator(r"^\+?[0-9 ()./-]{4,40}$",
                        _("Enter a phone number: digits, spaces and + ( ) - . / only."))


class ResellerChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            # A malformed id (not a UUID) is just another choice that is not on the list.
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice") from error


class CustomerDetailsForm(forms.Form):
    reseller = ResellerChoiceField(
        label=_("Indirect reseller"), required=False, queryset=None,
        empty_label=_("None: a direct customer of yours"),
        error_messages={"invalid_choice": _("Choose one of your partnered indirect resellers.")},
        help_text=_("The reseller gets admin access to the customer's account and "
                    "subscriptions and manages them on the customer's behalf."))
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    domain_prefix = forms.CharField(
        label=_("Domain prefix"), max_length=PREFIX_MAX,
        help_text=_("The customer's admin account will be admin@<prefix>.%(suffix)s."))
    contact_first_name = forms.CharField(label=_("Contact first name"), max_length=100)
    contact_last_name = forms.CharField(label=_("Contact last name"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False,
                                    validators=[_phone])
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), initial="en",
                                 help_text=_("The language of the customer's account."))

    GROUPS = [
        (_("Indirect reseller"), ["reseller"]),
        (_("Company"), ["company_name", "domain_prefix"]),
        (_("Contact"), ["contact_first_name", "contact_last_name", "contact_email",
                        "contact_phone"]),
        (_("Address"), ["country", "city", "postal_code", "street"]),
        (_("Account"), ["language"]),
    ]

    def __init__(self, *args, provider, domain_check_url=None, suffix="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reseller"].queryset = partnered_resellers(provider=provider)
        self.fields["country"].choices = [("", gettext("Choose a country"))] + [
            (code, name) for code, name in countries]
        # The portal's languages, each named in itself; the page's language comes first.
        self.fields["language"].choices = list(settings.LANGUAGES)
        self.fields["language"].initial = _portal_language(get_language())
        prefix = self.fields["domain_prefix"]
        # Help text is rendered as HTML: escape the <prefix> placeholder.
        prefix.help_text = escape(prefix.help_text % {"suffix": suffix})
        prefix.widget.attrs.update({"autocomplete": "off", "spellcheck": "false",
                                    "autocapitalize": "none"})
        if domain_check_url:
            # The live availability check (htmx): the same rule as on submit.
            prefix.widget.attrs.update({
                "hx-get": domain_check_url, "hx-target": "#domain-check",
                "hx-trigger": "input changed delay:400ms, blur", "hx-sync": "this:replace",
            })
        self.fields["contact_email"].widget.attrs["autocomplete"] = "off"

    def clean_company_name(self):
        name = self.cleaned_data["company_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the company name."))
        return name

    def clean_domain_prefix(self):
        value = normalize_prefix(self.cleaned_data["domain_prefix"])
        problem = domain_prefix_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]


class SubscriptionsForm(forms.Form):
    """Tick one or more active offers and give the number of licenses of each."""

    offers = forms.MultipleChoiceField(
        label=_("Subscriptions"), widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one subscription."),
            "invalid_choice": _("A selected subscription is not available for ordering. "
                                "Choose from the list."),
        })

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_list = list(offers)
        self.fields["offers"].choices = [(str(offer.pk), offer.name) for offer in self.offer_list]
        for offer in self.offer_list:
            self.fields[self.licenses_name(offer)] = forms.IntegerField(
                label=_("Licenses"), required=False, min_value=offer.min_licenses,
                max_value=offer.max_licenses,
                help_text=_("%(min)s to %(max)s") % {"min": offer.min_licenses,
                                                     "max": offer.max_licenses},
                error_messages={
                    "invalid": _("Enter a whole number of licenses."),
                    "min_value": ngettext_lazy("Enter %(limit_value)s or more licenses.",
                                               "Enter %(limit_value)s or more licenses.",
                                               "limit_value"),
                    "max_value": ngettext_lazy(
                        "Enter %(limit_value)s license or fewer: the most this subscription "
                        "allows.",
                        "Enter %(limit_value)s or fewer licenses: the most this subscription "
                        "allows.", "limit_value"),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    @staticmethod
    def licenses_name(offer):
        return f"licenses_{offer.pk}"

    def clean(self):
        cleaned = super().clean()
        chosen = set(cleaned.get("offers") or [])
        for offer in self.offer_list:
            name = self.licenses_name(offer)
            if name in self.errors:
                continue
            quantity = cleaned.get(name)
            if str(offer.pk) in chosen and quantity is None:
                self.add_error(name, _("Enter the number of licenses."))
            elif str(offer.pk) not in chosen and quantity is not None:
                self.add_error(name, _("Select this subscription too, or clear the number."))
        return cleaned

    def rows(self):
        """One row per offer for the template: offer, its checkbox, its licenses field."""
        boxes = {str(box.data["value"]): box for box in self["offers"]}
        return [(offer, boxes[str(offer.pk)], self[self.licenses_name(offer)])
                for offer in self.offer_list]

    def lines(self):
        """(offer, licenses) for each selected offer, in catalog order."""
        chosen = set(self.cleaned_data["offers"])
        return [(offer, self.cleaned_data[self.licenses_name(offer)])
                for offer in self.offer_list if str(offer.pk) in chosen]


class ReviewForm(forms.Form):
    # Generated when the wizard starts: a double click or a resubmitted POST carries the
    # same key, and the service answers with the order it already made.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class NewSubscriptionForm(SubscriptionsForm):
    """Add subscription → New subscription: offers and licenses, the reseller credited for
    incentives, and the idempotency key Submit sends (a double click is one order)."""

    reseller = ResellerChoiceField(
        label=_("Indirect reseller"), required=False, queryset=None,
        empty_label=_("None: no reseller is credited"),
        error_messages={"invalid_choice": _("Choose one of your partnered indirect resellers.")},
        help_text=_("Select the reseller's name to associate it with the new subscriptions: "
                    "it becomes their reseller of record and earns the incentives."))
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("This form is out of date. Open Add subscription again."),
                        "invalid": _("This form is out of date. Open Add subscription again.")})

    def __init__(self, *args, offers, provider, **kwargs):
        super().__init__(*args, offers=offers, **kwargs)
        self.fields["reseller"].queryset = partnered_resellers(provider=provider)

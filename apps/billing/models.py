"""Price lists (what a reseller and a customer pay), charges (what each order line costs,
prorated to the day), invoices and the counter that numbers them."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PriceList(models.Model):
    """A provider's prices for its resellers (one is the default for every reseller without
    a list of its own), or a reseller's prices for its customers (one list)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                              related_name="price_lists", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="pricelist_unique_name"),
            models.UniqueConstraint(fields=["owner"], condition=Q(is_default=True),
                                    name="pricelist_one_default"),
        ]

    def __str__(self):
        return self.name


class PriceRule(models.Model):
    """From `effective_from`: a margin % over what the owner pays, or a fixed unit price,
    for one offer (or, without an offer, for every offer the list has no rule for)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="rules",
                                   verbose_name=_("price list"))
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+", verbose_name=_("offer"))
    margin_percent = models.DecimalField(
        _("margin %"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(1000)])
    fixed_price = models.DecimalField(_("fixed price"), max_digits=10, decimal_places=2,
                                      null=True, blank=True, validators=[MinValueValidator(0)])
    effective_from = models.DateField(_("effective from"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        ordering = ["offer__name", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(margin_percent__isnull=False, fixed_price__isnull=True)
                           | Q(margin_percent__isnull=True, fixed_price__isnull=False,
                               offer__isnull=False)),
                name="pricerule_margin_or_fixed"),
            models.UniqueConstraint(fields=["price_list", "offer", "effective_from"],
                                    nulls_distinct=False, name="pricerule_unique_day"),
        ]

    def __str__(self):
        return f"{self.offer or '*'} {self.margin_percent or self.fixed_price}"


class ResellerAccount(models.Model):
    """What a provider set for one of its resellers: its price list (none: the default)
    and its credit limit (none: no limit)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("provider"))
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("indirect reseller"))
    price_list = models.ForeignKey(PriceList, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("price list"))
    credit_limit = models.DecimalField(_("credit limit"), null=True, blank=True,
                                       validators=[MinValueValidator(0)], max_digits=14,
                                       decimal_places=2)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reseller account")
        verbose_name_plural = _("reseller accounts")
        constraints = [models.UniqueConstraint(fields=["provider", "reseller"],
                                               name="reselleraccount_unique")]

    def __str__(self):
        return f"{self.provider_id} → {self.reseller_id}"


class TaxRate(models.Model):
    """The tax rate a provider charges buyers in one country."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("provider"))
    country = models.CharField(_("country"), max_length=2)
    rate = models.DecimalField(_("rate %"), max_digits=5, decimal_places=2,
                               validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        ordering = ["country"]
        constraints = [models.UniqueConstraint(fields=["provider", "country"],
                                               name="taxrate_unique_country")]

    def __str__(self):
        return f"{self.country} {self.rate}%"


class BillingProfile(models.Model):
    """An organization's tax id, printed on invoices; a buyer with one in another country
    than the seller's is invoiced under reverse charge."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        primary_key=True, related_name="+",
                                        verbose_name=_("organization"))
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")

    def __str__(self):
        return self.tax_id


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        # A reseller's statement to its customer: a draft the reseller sends itself.
        STATEMENT = "statement", _("Statement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    issuer = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("issuer"))
    recipient = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("recipient"))
    # The month closed (its first day).
    month = models.DateField(_("month"))
    currency = models.CharField(_("currency"), max_length=3)
    # Per issuer, without gaps (InvoiceCounter); 0 for drafts.
    number = models.PositiveIntegerField(_("number"), default=0)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    reverse_charge = models.BooleanField(_("reverse charge"), default=False)
    # What the parties were when it was issued: later edits do not change it.
    issuer_name = models.CharField(_("issuer name"), max_length=200)
    issuer_country = models.CharField(_("issuer country"), max_length=2, blank=True)
    issuer_tax_id = models.CharField(_("issuer tax ID"), max_length=40, blank=True)
    recipient_name = models.CharField(_("recipient name"), max_length=200)
    recipient_country = models.CharField(_("recipient country"), max_length=2, blank=True)
    recipient_tax_id = models.CharField(_("recipient tax ID"), max_length=40, blank=True)
    # A credit note: the invoice it corrects.
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="credit_notes", verbose_name=_("corrects"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # A credit note: the form's key (a double submit makes one credit note).
    request_key = models.UUIDField(_("request key"), null=True, blank=True, unique=True,
                                   editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-month", "issuer_name", "number"]
        constraints = [
            # A month closed twice makes no second invoice.
            models.UniqueConstraint(fields=["issuer", "recipient", "month", "currency", "kind"],
                                    condition=~Q(kind="credit_note"),
                                    name="invoice_one_per_month"),
            models.UniqueConstraint(fields=["issuer", "number"], condition=Q(number__gt=0),
                                    name="invoice_unique_number"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-month"], name="invoice_recipient_month"),
            models.Index(fields=["issuer", "-month"], name="invoice_issuer_month"),
        ]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self):
        if not self.number:
            return str(_("Draft"))
        prefix = ("CN" if self.kind == self.Kind.CREDIT_NOTE
                  else "ST" if self.kind == self.Kind.STATEMENT else "INV")
        return f"{prefix}-{self.number:06d}"

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.status == self.Status.ISSUED and self.due_on < today


class InvoiceCounter(models.Model):
    """The last number an issuer gave: locked while an invoice takes the next one."""

    issuer = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+",
                                  verbose_name=_("issuer"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self):
        return str(self.last_number)


class Charge(models.Model):
    """What one order line (or one month of a monthly-billed subscription) costs, at the
    prices of the day it took effect: the provider's cost, the reseller's price and the
    customer's price. A credit has a negative quantity and amounts."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        ADD_LICENSES = "add_licenses", _("Licenses added")
        REMOVE_LICENSES = "remove_licenses", _("Licenses removed")
        UPGRADE = "upgrade", _("Upgrade")
        UPGRADE_CREDIT = "upgrade_credit", _("Upgrade credit")
        CANCEL = "cancel", _("Cancellation")
        RENEWAL = "renewal", _("Renewal")
        EXPIRE = "expire", _("Expiry")
        MONTHLY = "monthly", _("Monthly")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("provider"))
    # The reseller billed (the line's reseller of record), or none: a direct customer.
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("reseller of record"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("customer"))
    # The customer's organization: a direct customer's invoice and a statement go to it.
    customer_organization = models.ForeignKey("organizations.Organization",
                                              on_delete=models.PROTECT, related_name="+",
                                              verbose_name=_("customer organization"))
    subscription = models.ForeignKey("subscriptions.Subscription", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("subscription"))
    offer = models.ForeignKey("catalog.Offer", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("offer"))
    # The line it comes from (an upgrade's makes two: the new subscription's charge and the
    # replaced one's credit); none for a month of a monthly-billed subscription.
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("order line"))
    quantity = models.IntegerField(_("licenses"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))  # inclusive
    days = models.PositiveIntegerField(_("days"))
    period_days = models.PositiveIntegerField(_("days in the period"))
    currency = models.CharField(_("currency"), max_length=3)
    cost_unit = models.DecimalField(_("cost per license"), max_digits=10, decimal_places=2)
    reseller_unit = models.DecimalField(_("reseller price per license"), max_digits=10,
                                        decimal_places=2)
    customer_unit = models.DecimalField(_("customer price per license"), max_digits=10,
                                        decimal_places=2)
    cost_amount = models.DecimalField(_("cost"), max_digits=14, decimal_places=2)
    reseller_amount = models.DecimalField(_("reseller amount"), max_digits=14, decimal_places=2)
    customer_amount = models.DecimalField(_("customer amount"), max_digits=14, decimal_places=2)
    # The day it took effect: the month whose invoice carries it.
    posted_on = models.DateField(_("posted on"))
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="charges", verbose_name=_("invoice"))
    statement = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="statement_charges",
                                  verbose_name=_("statement"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["posted_on", "created_at"]
        constraints = [
            # A line recorded twice (the hook run again) charges once.
            models.UniqueConstraint(fields=["order_line", "subscription"],
                                    condition=Q(order_line__isnull=False),
                                    name="charge_one_per_line"),
            # One month of a monthly-billed subscription is charged once.
            models.UniqueConstraint(fields=["subscription", "period_start"],
                                    condition=Q(kind="monthly"), name="charge_one_monthly"),
        ]
        indexes = [
            models.Index(fields=["provider", "posted_on"], name="charge_provider_posted"),
            models.Index(fields=["reseller", "posted_on"], name="charge_reseller_posted"),
            models.Index(fields=["subscription", "posted_on"], name="charge_subscription_posted"),
        ]

    def __str__(self):
        return f"{self.offer} x {self.quantity} {self.period_start}..{self.period_end}"


class CreditNoteLine(models.Model):
    """What a credit note gives back of one charge line of the invoice it corrects (an
    amount before tax, at the invoice's price): never more, over all the invoice's credit
    notes, than the line was invoiced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit_note = models.ForeignKey(Invoice, on_delete=models.CASCADE,
                                    related_name="credit_lines",
                                    verbose_name=_("credit note"))
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="credit_lines",
                               verbose_name=_("charge"))
    amount = models.DecimalField(_("amount credited"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
        ordering = ["credit_note", "charge__period_start"]
        constraints = [
            models.UniqueConstraint(fields=["credit_note", "charge"],
                                    name="creditnoteline_one_per_charge"),
            models.CheckConstraint(condition=Q(amount__gt=0),
                                   name="creditnoteline_amount_positive"),
        ]

    def __str__(self):
        return f"{self.credit_note_id} {self.charge_id} {self.amount}"

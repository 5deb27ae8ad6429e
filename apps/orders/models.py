"""Orders (a provider's purchase for a customer), their lines, and one-time credential handovers."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    class Kind(models.TextChoices):
        NEW_CUSTOMER = "new_customer", _("New customer")
        NEW_SUBSCRIPTION = "new_subscription", _("New subscription")
        CHANGE = "change", _("Change")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PROVISIONING = "provisioning", _("Provisioning")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    class ResellerDropped(models.TextChoices):
        PARTNERSHIP_ENDED = "partnership_ended", _("The partnership with the reseller ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                 related_name="provider_orders",
                                 limit_choices_to={"kind": "provider"},
                                 verbose_name=_("provider"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="orders", verbose_name=_("customer"))
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="reseller_orders",
                                 limit_choices_to={"kind": "reseller"},
                                 verbose_name=_("indirect reseller"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    # Sent with the form that submits the order: the same key twice is the same order.
    idempotency_key = models.UUIDField(_("idempotency key"), editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    error = models.TextField(_("error"), blank=True)
    # Why provisioning left the order's reseller out (no delegation, no reseller of record
    # credit) although it was submitted with one; empty when it did not.
    reseller_dropped = models.CharField(_("reseller left out"), max_length=32, blank=True,
                                        choices=ResellerDropped.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A provisioning run claims the order with a fresh token; a run whose claim is older
    # than the lease is taken to have died, and the order can be claimed again.
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "idempotency_key"],
                                    name="order_unique_idempotency_key_per_provider"),
        ]
        indexes = [
            models.Index(fields=["provider", "-submitted_at"], name="order_provider_submitted"),
            models.Index(fields=["status", "submitted_at"], name="order_status_submitted"),
            # The Orders page's filters.
            models.Index(fields=["provider", "status", "-submitted_at"],
                         name="order_provider_status"),
            models.Index(fields=["provider", "kind", "-submitted_at"],
                         name="order_provider_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {str(self.pk)[:8]} ({self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status in (self.Status.SUBMITTED, self.Status.PROVISIONING)


class OrderLine(models.Model):
    class Action(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        ADD_LICENSES = "add_licenses", _("Licenses added")
        REMOVE_LICENSES = "remove_licenses", _("Licenses removed")
        UPGRADE = "upgrade", _("Upgrade")
        SUSPEND = "suspend", _("Suspended")
        REACTIVATE = "reactivate", _("Reactivated")
        AUTO_RENEW_OFF = "auto_renew_off", _("Auto-renew turned off")
        AUTO_RENEW_ON = "auto_renew_on", _("Auto-renew turned on")
        CANCEL = "cancel", _("Cancelled")
        # The term engine (apps.subscriptions): a new term began, or the term ended.
        RENEWAL = "renewal", _("Renewed")
        EXPIRY = "expire", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("order"))
    offer = models.ForeignKey("catalog.Offer", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("offer"))
    # What the line does: a purchase (new customer, new subscription) or a change of an
    # existing subscription (a `change` order).
    action = models.CharField(_("action"), max_length=20, choices=Action.choices,
                              default=Action.PURCHASE)
    # The subscription's licenses once the line is done (a purchase: the licenses bought).
    quantity = models.PositiveIntegerField(_("licenses"), validators=[MinValueValidator(1)])
    # Before a change: the licenses, and (an upgrade) the offer it replaced.
    previous_quantity = models.PositiveIntegerField(_("licenses before"), null=True, blank=True)
    previous_offer = models.ForeignKey("catalog.Offer", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+",
                                       verbose_name=_("offer before"))
    # The price when the order was placed; the catalog may change later.
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reseller_of_record = models.ForeignKey("organizations.Organization",
                                           on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="+",
                                           verbose_name=_("reseller of record"))
    # A purchase: the subscription provisioning made of it. A change: the subscription
    # changed (an upgrade: the new subscription).
    subscription = models.ForeignKey("subscriptions.Subscription", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="order_lines",
                                     verbose_name=_("subscription"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["offer__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="orderline_quantity_positive"),
            models.UniqueConstraint(fields=["order", "offer"], name="orderline_one_per_offer"),
        ]

    def __str__(self):
        return f"{self.offer} x {self.quantity}"

    @property
    def total(self):
        return self.unit_price * self.quantity


class CredentialHandover(models.Model):
    """A temporary password, encrypted at rest, shown once to one user and then wiped.

    A new customer's admin gets one with the order (`order`); a customer user added or
    whose password was reset on the customer's Users page gets one without an order, kept
    with the customer organization (`organization`)."""

    class Reason(models.TextChoices):
        NEW_CUSTOMER = "new_customer", _("New customer")
        NEW_USER = "new_user", _("New user")
        PASSWORD_RESET = "password_reset", _("Password reset")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="handover",
                                 null=True, blank=True, verbose_name=_("order"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("organization"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices,
                              default=Reason.NEW_CUSTOMER)
    # Sent with the form that asked for it (Users page): the same key twice is the same
    # handover, so a double click resets a password once.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True,
                                       editable=False)
    for_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 null=True, related_name="+", verbose_name=_("for user"))
    username = models.CharField(_("user name"), max_length=254)
    # A Fernet token (apps.orders.crypto); empty once revealed or purged.
    secret = models.TextField(_("secret (encrypted)"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True)
    purged_at = models.DateTimeField(_("purged unrevealed"), null=True, blank=True)

    class Meta:
        verbose_name = _("credential handover")
        verbose_name_plural = _("credential handovers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "idempotency_key"],
                                    name="handover_unique_key_per_organization"),
        ]

    def __str__(self):
        return self.username

    @property
    def is_available(self):
        return bool(self.secret) and self.revealed_at is None and self.purged_at is None

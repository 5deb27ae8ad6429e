"""Subscriptions: a customer's licenses of one offer."""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="subscriptions", verbose_name=_("customer"))
    offer = models.ForeignKey("catalog.Offer", on_delete=models.PROTECT,
                              related_name="subscriptions", verbose_name=_("offer"))
    quantity = models.PositiveIntegerField(_("licenses"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    # The reseller credited for incentives.
    reseller_of_record = models.ForeignKey("organizations.Organization",
                                           on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="credited_subscriptions",
                                           limit_choices_to={"kind": "reseller"},
                                           verbose_name=_("reseller of record"))
    # Who handles support requests: the provider itself or one partnered reseller.
    support_contact = models.ForeignKey("organizations.Organization",
                                        on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="supported_subscriptions",
                                        verbose_name=_("designated support contact"))
    term_start = models.DateField(_("term start"), default=timezone.localdate)
    term_end = models.DateField(_("term end"))
    auto_renew = models.BooleanField(_("auto-renew"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["customer", "offer__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="subscription_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.offer} x {self.quantity}"

"""The offer catalog the platform operator sells to providers."""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Offer(models.Model):
    class BillingPeriod(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        ANNUAL = "annual", _("Annual")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    billing_period = models.CharField(_("billing period"), max_length=16,
                                      choices=BillingPeriod.choices,
                                      default=BillingPeriod.MONTHLY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=12)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2,
                                     validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    min_licenses = models.PositiveIntegerField(_("minimum licenses"), default=1)
    max_licenses = models.PositiveIntegerField(_("maximum licenses"), default=300)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    upgrades_to = models.ManyToManyField("self", symmetrical=False, blank=True,
                                         related_name="upgrades_from",
                                         verbose_name=_("upgrade paths"))

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_licenses__gte=1),
                                   name="offer_min_licenses_positive"),
            models.CheckConstraint(condition=models.Q(max_licenses__gte=models.F("min_licenses")),
                                   name="offer_max_gte_min"),
        ]

    def __str__(self):
        return self.name

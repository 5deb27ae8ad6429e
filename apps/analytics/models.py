"""Daily figures per provider, reseller of record (or none), offer and day, kept from the
orders whose lines took effect and from the changes of credit made without an order
(`RollupMove`); and the running totals they add up to."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The figures of one (provider, reseller, offer, day); DailyRollup and the SQL of
# apps.analytics.services name them in this order.
FLOWS = ("new_subscriptions", "licences_sold", "licences_added", "licences_removed",
         "upgraded", "suspended", "reactivated", "cancelled", "renewed", "expired",
         "new_customers", "subscriptions_net", "licences_net", "customers_net")


# ------------------------------------------------------------------ abstract bases
# The rollup tables share their keys and their sales counters: declared once here. The
# fields (names, columns, options) are those the tables had: no schema change.


class ProviderKey(models.Model):
    provider = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("provider"))

    class Meta:
        abstract = True


class ResellerKey(ProviderKey):
    # The reseller of record; none when the provider sold alone.
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("indirect reseller"))

    class Meta:
        abstract = True


class SalesCounts(models.Model):
    new_subscriptions = models.IntegerField(_("new subscriptions"), default=0)
    cancelled = models.IntegerField(_("cancelled"), default=0)

    class Meta:
        abstract = True


class ResellerSales(ResellerKey, SalesCounts):
    # Licences of new subscriptions and licences added to existing ones.
    licences_sold = models.IntegerField(_("licenses sold"), default=0)

    class Meta:
        abstract = True


def _suspended() -> models.IntegerField:
    return models.IntegerField(_("suspended"), default=0)


# ------------------------------------------------------------------ tables


class DailyRollup(ResellerSales):
    # None: a customer moved between resellers (the customers' count only).
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="+",
                              null=True, blank=True, verbose_name=_("offer"))
    day = models.DateField(_("day"))
    licences_added = models.IntegerField(_("licenses added"), default=0)
    licences_removed = models.IntegerField(_("licenses removed"), default=0)
    upgraded = models.IntegerField(_("upgraded"), default=0)
    suspended = _suspended()
    reactivated = models.IntegerField(_("reactivated"), default=0)
    renewed = models.IntegerField(_("renewed"), default=0)
    expired = models.IntegerField(_("expired"), default=0)
    new_customers = models.IntegerField(_("new customers"), default=0)
    # Change of the live (active or suspended) subscriptions and their licences credited to
    # the reseller, and of the customers it manages.
    subscriptions_net = models.IntegerField(_("subscriptions, net change"), default=0)
    licences_net = models.IntegerField(_("licenses, net change"), default=0)
    customers_net = models.IntegerField(_("customers, net change"), default=0)

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        constraints = [
            # One row per key, "no reseller" included: the incremental upsert's target.
            models.UniqueConstraint(fields=["provider", "reseller", "offer", "day"],
                                    nulls_distinct=False, name="rollup_one_per_key"),
        ]
        indexes = [
            # Reseller analytics reads a period's figures from the index alone (PostgreSQL).
            models.Index(fields=["provider", "day"], name="rollup_provider_day",
                         include=["reseller", "new_subscriptions", "licences_sold",
                                  "cancelled", "suspended"]),
            models.Index(fields=["reseller", "day"], name="rollup_reseller_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.offer_id}"


class RunningTotal(ResellerKey):
    """Live subscriptions and licences per (provider, reseller, offer), and the customers
    each reseller manages: the sum of every day's net change, kept with the days so that no
    page adds up two years of rows."""

    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="+",
                              null=True, blank=True, verbose_name=_("offer"))
    subscriptions = models.IntegerField(_("subscriptions"), default=0)
    licences = models.IntegerField(_("licenses"), default=0)
    customers = models.IntegerField(_("customers"), default=0)

    class Meta:
        verbose_name = _("running total")
        verbose_name_plural = _("running totals")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reseller", "offer"],
                                    nulls_distinct=False, name="total_one_per_key"),
        ]
        indexes = [models.Index(fields=["reseller"], name="total_reseller")]

    def __str__(self):
        return f"{self.offer_id}: {self.subscriptions}"


class AppliedOrder(models.Model):
    """An order already counted: a task delivered twice counts it once."""

    order_id = models.UUIDField(_("order"), primary_key=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)

    class Meta:
        verbose_name = _("counted order")
        verbose_name_plural = _("counted orders")

    def __str__(self):
        return str(self.order_id)


class ResellerMonth(ResellerSales):
    """A month of DailyRollup per (provider, reseller), offers added up: long periods read
    two dozen rows per reseller instead of every day of every offer."""

    month = models.DateField(_("month"))
    suspended = _suspended()

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reseller", "month"],
                                    nulls_distinct=False, name="month_one_per_key"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class ProviderDay(ProviderKey, SalesCounts):
    """A day of DailyRollup per provider, resellers and offers added up: the series of any
    period read at most a row a day."""

    day = models.DateField(_("day"))
    suspended = _suspended()

    class Meta:
        verbose_name = _("provider's daily figures")
        verbose_name_plural = _("provider's daily figures")
        constraints = [
            models.UniqueConstraint(fields=["provider", "day"], name="provider_day_one_per_key"),
        ]

    def __str__(self):
        return str(self.day)


class ResellerDay(ResellerSales):
    """A day of DailyRollup per (provider, reseller), offers added up: a short period's
    figures per reseller read a row per reseller and day."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("reseller's daily figures")
        verbose_name_plural = _("reseller's daily figures")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reseller", "day"],
                                    nulls_distinct=False, name="reseller_day_one_per_key"),
        ]
        indexes = [
            models.Index(fields=["provider", "day"], name="reseller_day_provider_day",
                         include=["reseller", "new_subscriptions", "licences_sold",
                                  "cancelled"]),
        ]

    def __str__(self):
        return str(self.day)


class RollupMove(ResellerKey):
    """A change of credit made without an order: a subscription's reseller of record set by
    hand or moved with its customer (Change reseller), a customer that another reseller (or
    none) now manages. Written in the transaction of the change (the hooks of subscriptions
    and customers), counted in the figures by an outbox task (`counted` claims it once) and
    again by every rebuild: the ledger of these changes, as the orders are of the others.
    `reseller` gains what `previous` loses."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    previous = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("previous reseller"))
    # None for a customer's move: it counts customers only.
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="+",
                              null=True, blank=True, verbose_name=_("offer"))
    subject = models.UUIDField(_("subscription or customer"))
    day = models.DateField(_("day"))
    subscriptions = models.IntegerField(_("subscriptions"), default=0)
    licences = models.IntegerField(_("licenses"), default=0)
    customers = models.IntegerField(_("customers"), default=0)
    at = models.DateTimeField(_("at"), default=timezone.now)
    counted = models.BooleanField(_("counted"), default=False)

    class Meta:
        verbose_name = _("change of credit")
        verbose_name_plural = _("changes of credit")

    def __str__(self):
        return f"{self.day} {self.subject}"

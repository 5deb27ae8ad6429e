"""Subscriptions: a customer's licenses of one offer."""

import uuid
from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")
        # Replaced by a subscription of an offer on its upgrade path (see replaced_by).
        UPGRADED = "upgraded", _("Upgraded")
        # Its term ended with auto-renew off (or while suspended): its licenses are freed.
        EXPIRED = "expired", _("Expired")

    # Licenses can be removed, and the subscription cancelled, only this many days from the
    # purchase or the last renewal.
    REDUCTION_WINDOW_DAYS = 7

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE,
                                 related_name="subscriptions", verbose_name=_("customer"))
    # The customer's provider (which never changes), copied by the services that create a
    # subscription: a provider's subscriptions are counted (per reseller of record) from an
    # index alone, without joining customers.
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                 related_name="provider_subscriptions",
                                 verbose_name=_("provider"))
    # The customer's name (its organization's, as Customer.name), copied by the services that
    # create a subscription and kept in step on a rename (subscription_customer_renamed): the
    # Incentives page takes a reseller's credited subscriptions in customer order, and their
    # totals, from one index (subscription_credited_name) without joining customers.
    customer_name = models.CharField(_("customer name"), max_length=200)
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
    # The day of the purchase or of the last renewal: the reduction window starts here.
    term_start = models.DateField(_("term start"), default=timezone.localdate)
    term_end = models.DateField(_("term end"))
    # The day of the month its terms end on (the purchase day): after a term that ended on
    # a shorter month's last day (Jan 31 -> Feb 28), the next one ends on it again (Mar 31).
    # Empty until the first renewal, which takes it from term_start.
    renewal_day = models.PositiveSmallIntegerField(_("renewal day"), null=True, blank=True)
    # The renewal reminder last sent for the current term (30 or 7 days before term_end);
    # empty when none was, reset by each renewal.
    reminded_days = models.PositiveSmallIntegerField(_("reminded (days before)"), null=True,
                                                     blank=True)
    auto_renew = models.BooleanField(_("auto-renew"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The day it was cancelled: its licenses are freed and incentives stop from this day.
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    # Set when an upgrade replaced this subscription: the one that carries its licenses on.
    replaced_by = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="replaces", verbose_name=_("replaced by"))

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["customer", "offer__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="subscription_quantity_positive"),
        ]
        indexes = [
            # Per-customer license counts of the Customers page (SQLite, without statistics,
            # otherwise walks every active subscription per row).
            models.Index(fields=["customer", "status"], name="subscription_customer_status"),
            # Credited subscriptions per reseller (Indirect resellers page, incentives).
            models.Index(fields=["reseller_of_record", "status"],
                         name="subscription_credited_status"),
            # The Indirect resellers page's credited subscriptions of a page of resellers,
            # for one provider: an index-only count, in reseller order.
            models.Index(fields=["reseller_of_record", "provider"],
                         name="subscription_credited_provider"),
            # A reseller's Incentives page: its credited subscriptions in customer order (then
            # by offer name, an incremental sort of each customer's few), and its totals by
            # offer, from this index alone.
            models.Index(fields=["reseller_of_record", "customer_name"],
                         include=["offer", "quantity", "id"],
                         name="subscription_credited_name"),
            # The term engine's daily scans (terms due, reminders due) read open ones only.
            models.Index(fields=["term_end"], name="subscription_open_term_end",
                         condition=models.Q(status__in=["active", "suspended"])),
        ]

    def __str__(self):
        return f"{self.offer} x {self.quantity}"

    @property
    def is_open(self):
        """Active or suspended: it still counts, and can still be changed."""
        return self.status in (self.Status.ACTIVE, self.Status.SUSPENDED)

    @property
    def reduction_closes_on(self):
        """The first day licenses can no longer be removed."""
        return self.term_start + timedelta(days=self.REDUCTION_WINDOW_DAYS)

    @property
    def reduction_last_day(self):
        """The last day licenses can be removed."""
        return self.reduction_closes_on - timedelta(days=1)

    def cancellation_open(self, today=None):
        """Whether it can be cancelled today: open, and within the window that licence
        reductions have (REDUCTION_WINDOW_DAYS from the purchase or the last renewal)."""
        return self.is_open and self.reduction_days_left(today) > 0

    @property
    def is_expired(self):
        return self.status == self.Status.EXPIRED

    @property
    def renews(self):
        """Whether the term engine renews it at term_end (else it expires then): active
        with auto-renew on. A suspended subscription expires with its term."""
        return self.status == self.Status.ACTIVE and self.auto_renew

    def reduction_days_left(self, today=None):
        """Days left (today included) to remove licenses; 0 once the window has closed."""
        today = today or timezone.localdate()
        if today < self.term_start:
            return self.REDUCTION_WINDOW_DAYS
        return max(0, (self.reduction_closes_on - today).days)

"""Customers: the customer extension of an organization, bought through a provider."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    class Status(models.TextChoices):
        PROVISIONING = "provisioning", _("Provisioning")
        ACTIVE = "active", _("Active")
        FAILED = "failed", _("Failed")

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        primary_key=True, related_name="customer",
                                        verbose_name=_("organization"))
    # The organization's name, kept here by the services (customer_create, and the
    # organizations rename hook): the Customers page sorts and searches by it within a
    # provider or a reseller, from one index, without joining organizations.
    name = models.CharField(_("name"), max_length=200)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                 related_name="provider_customers",
                                 limit_choices_to={"kind": "provider"},
                                 verbose_name=_("provider"))
    # Set = this reseller is the customer's delegated admin.
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="delegated_customers",
                                 limit_choices_to={"kind": "reseller"},
                                 verbose_name=_("indirect reseller"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    domain_prefix = models.SlugField(_("domain prefix"), max_length=63, unique=True)
    contact_first_name = models.CharField(_("contact first name"), max_length=100, blank=True)
    contact_last_name = models.CharField(_("contact last name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        # The Customers page's sort keys are indexed by migration 0003, not here: on
        # PostgreSQL their name column uses the zh_pinyin collation of apps.i18n.name_order
        # where the server has it, which an index declared here could not say portably:
        #   customer_provider_name           (provider, name, organization)
        #   customer_provider_reseller_name  (provider, reseller, name, organization)
        #   customer_reseller_name           (reseller, name, organization), active only
        # and the search's trigram indexes by 0004 (PostgreSQL with pg_trgm).
        indexes = [
            models.Index(fields=["provider", "created_at"], name="customer_provider_created"),
            # The Customers page sorts by domain within a provider.
            models.Index(fields=["provider", "domain_prefix"], name="customer_provider_domain"),
            # The count of a reseller's customers: equal keys, which PostgreSQL stores once
            # (B-tree deduplication), so 25,000 customers of one reseller are 25 pages to
            # count, not the 400 of customer_provider_reseller_name (7 ms -> 2 ms).
            models.Index(fields=["provider", "reseller"], name="customer_provider_reseller"),
        ]

    def __str__(self):
        return self.name or self.organization.name

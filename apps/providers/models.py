"""Indirect providers (distributors): the provider extension of an organization."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        primary_key=True, related_name="provider",
                                        verbose_name=_("organization"))
    partner_id = models.CharField(_("partner id"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("indirect provider")
        verbose_name_plural = _("indirect providers")
        ordering = ["organization__name"]

    def __str__(self):
        return self.organization.name

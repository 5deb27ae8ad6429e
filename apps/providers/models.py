"""Indirect providers (distributors), their public directory listing and its change requests.

What the directory shows is published data: the company name and logo on `Provider`, one
`ProviderListing` per location. Providers change it only through a `ProfileChangeRequest`
that a platform operator approves; approval copies the proposal onto the published rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField


class ProviderLogo(models.Model):
    """A logo re-encoded to PNG, stored once per content and named by its SHA-256.

    Kept in the database rather than in media storage: the portal serves it from one small
    view with long-lived caching (the URL changes with the content), and no deployment
    needs a shared media volume.
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    png = models.BinaryField(_("PNG image"))
    width = models.PositiveSmallIntegerField(_("width"))
    height = models.PositiveSmallIntegerField(_("height"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("directory logo")
        verbose_name_plural = _("directory logos")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sha256[:12]} ({self.width}x{self.height})"

    def get_absolute_url(self):
        return reverse("directory:logo", kwargs={"digest": self.sha256})


class Provider(models.Model):
    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        primary_key=True, related_name="provider",
                                        verbose_name=_("organization"))
    partner_id = models.CharField(_("partner id"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Published in the directory (changed only by an approved change request).
    directory_name = models.CharField(_("company name in the directory"), max_length=200,
                                      blank=True)
    directory_logo = models.ForeignKey(ProviderLogo, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="providers",
                                       verbose_name=_("logo in the directory"))
    directory_published_at = models.DateTimeField(_("published in the directory"), null=True,
                                                  blank=True)

    class Meta:
        verbose_name = _("indirect provider")
        verbose_name_plural = _("indirect providers")
        ordering = ["organization__name"]

    def __str__(self):
        return self.organization.name


class ProviderListing(models.Model):
    """One published location of a provider: the country and the page to send visitors to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="listings",
                                 verbose_name=_("provider"))
    country: CountryField[str, Country] = CountryField(_("country"), db_index=True)
    target_url = models.URLField(_("target URL"), max_length=500)
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("directory listing")
        verbose_name_plural = _("directory listings")
        ordering = ["provider__directory_name", "country"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "country"],
                                    name="providerlisting_unique_provider_country"),
        ]

    def __str__(self):
        return f"{self.provider} · {self.country.code}"


class ProfileChangeRequest(models.Model):
    """A provider's proposed directory profile: the whole of it, with what was published then.

    The proposal is complete (company name, logo, every location), so approval replaces
    the published profile with it in one transaction; the snapshot of the published values
    at submission time gives the diff and the history.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE,
                                 related_name="change_requests", verbose_name=_("provider"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    due_at = models.DateTimeField(_("decision due"))

    company_name = models.CharField(_("proposed company name"), max_length=200)
    logo = models.ForeignKey(ProviderLogo, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("proposed logo"))

    previous_company_name = models.CharField(_("published company name"), max_length=200,
                                             blank=True)
    previous_logo = models.ForeignKey(ProviderLogo, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("published logo"))
    # [{"country": "DE", "target_url": "https://…"}, …] as published at submission time.
    previous_locations = models.JSONField(_("published locations"), default=list, blank=True)

    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    rejection_reason = models.TextField(_("rejection reason"), blank=True)

    # The mail tasks claim their send by setting these, so a task delivered twice mails once.
    operators_notified_at = models.DateTimeField(_("operators notified"), null=True,
                                                 blank=True)
    provider_notified_at = models.DateTimeField(_("provider notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("directory profile change request")
        verbose_name_plural = _("directory profile change requests")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider"], condition=models.Q(status="submitted"),
                                    name="profilechangerequest_one_pending_per_provider"),
        ]

    def __str__(self):
        return _("Profile change for %(provider)s, %(date)s") % {
            "provider": self.company_name, "date": f"{self.submitted_at:%Y-%m-%d}"}

    @property
    def is_pending(self):
        return self.status == self.Status.SUBMITTED

    @property
    def is_overdue(self):
        return self.is_pending and self.due_at is not None and self.due_at <= timezone.now()


class ProposedLocation(models.Model):
    """One location of a change request: a country and its https target URL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    change_request = models.ForeignKey(ProfileChangeRequest, on_delete=models.CASCADE,
                                       related_name="locations",
                                       verbose_name=_("change request"))
    country: CountryField[str, Country] = CountryField(_("country"))
    target_url = models.URLField(_("target URL"), max_length=500)

    class Meta:
        verbose_name = _("proposed location")
        verbose_name_plural = _("proposed locations")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["change_request", "country"],
                                    name="proposedlocation_unique_request_country"),
        ]

    def __str__(self):
        return f"{self.country.code} → {self.target_url}"

"""API keys (an organization's key acts with one role) and the responses kept for
Idempotency-Key replays."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organizations.roles import Role


class ApiKey(models.Model):
    """A key an organization's admin created. Only the SHA-256 of the secret is stored; the
    prefix (shown on the API keys page and in audit events) names the key without
    revealing it."""

    ROLES = [(Role.ADMIN.value, Role.ADMIN.label), (Role.SALES.value, Role.SALES.label),
             (Role.HELPDESK.value, Role.HELPDESK.label)]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organization"))
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=16, choices=ROLES)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    hashed = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="apikey_org")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotentResponse(models.Model):
    """The first response to a POST sent with an Idempotency-Key, per organization and key:
    the same key with the same request replays it; with another request, 409."""

    id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"],
                                               name="idempotent_response_org_key")]

    def __str__(self):
        return f"{self.key} ({self.status})"

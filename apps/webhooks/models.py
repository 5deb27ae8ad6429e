"""Webhook endpoints of an organization, the events emitted to them and each delivery.

An event (`WebhookMessage`) is written once, with the body that every endpoint receives
byte for byte (its `msg_…` id and timestamp are the Standard Webhooks `webhook-id` and
`webhook-timestamp`, the same on every retry). A `WebhookDelivery` is that event for one
endpoint: its status, attempts, next attempt and the last answer (code, duration, at most
1 KB of body, error).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_message_id():
    return f"msg_{secrets.token_hex(12)}"


class WebhookEndpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     related_name="webhook_endpoints",
                                     verbose_name=_("organization"))
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Event types ("order.completed", …) this endpoint receives.
    events = models.JSONField(_("events"), default=list)
    # The signing secret (whsec_…), encrypted at rest (apps.webhooks.crypto): admins can
    # show it again.
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    # The first failed delivery since the last success: three days of failures disable it.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["organization", "enabled"], name="webhook_endpoint_org")]

    def __str__(self):
        return self.url


class WebhookMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_id = models.CharField(_("webhook id"), max_length=40, unique=True,
                                  default=new_message_id)
    # What happened, as the emitting service names it: a second emit of it is this message.
    key = models.CharField(_("event key"), max_length=200, unique=True)
    type = models.CharField(_("event type"), max_length=64)
    timestamp = models.DateTimeField(_("timestamp"), default=timezone.now)
    # The JSON body as sent (the signature covers these exact bytes).
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-timestamp"]

    def __str__(self):
        return f"{self.type} {self.message_id}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE,
                                related_name="deliveries", verbose_name=_("event"))
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries", verbose_name=_("endpoint"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When it may be tried next; a claimed delivery's lease (a worker killed mid-delivery
    # leaves it claimed until then, and the retry sweep takes it again).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    response_body = models.CharField(_("response body"), max_length=1024, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    resends = models.PositiveSmallIntegerField(_("resends"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "endpoint"],
                                               name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
                   models.Index(fields=["endpoint", "-created_at"],
                                name="webhook_delivery_log")]

    def __str__(self):
        return f"{self.message_id} → {self.endpoint_id}"

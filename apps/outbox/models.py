"""The outbox: every task a service enqueues, written in the transaction of the change it
follows, and relayed to the broker once that transaction has committed."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _new_key():
    return uuid.uuid4().hex


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(_("task"), max_length=200)
    # Arguments by id only (never a secret): the task reads everything else itself.
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True,
                                       default=_new_key)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"],
                                name="outbox_due")]

    def __str__(self):
        return f"{self.task} {self.kwargs}"

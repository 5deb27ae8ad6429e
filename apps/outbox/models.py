"""The outbox: every task a service enqueues, written in the transaction of the change it
follows, and relayed to the broker once that transaction has committed."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _new_key():
    return uuid.uuid4().hex


class Delivery(models.Model):
    """What an outbox message and an outbound mail share: a status, the tries made, when
    the next is due (one retry policy: `services.backoff`) and the last error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Handed to the broker; an outbox message is done once its task has run (a mail
        # goes from sent to nothing further).
        SENT = "sent", _("Sent")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        abstract = True


class OutboxMessage(Delivery):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(_("task"), max_length=200)
    # Arguments by id only (never a secret): the task reads everything else itself.
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True,
                                       default=_new_key)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"],
                                name="outbox_due")]

    def __str__(self):
        return f"{self.task} {self.kwargs}"


class OutboundMail(Delivery):
    """One mail to one recipient, written (rendered in the recipient's language) before it
    is sent: the sender claims the row, so a task run twice or two workers send it once;
    a failed send is recorded here and tried again by the mail relay with the outbox's
    backoff, until PORTAL_OUTBOX_MAX_ATTEMPTS.

    The bodies may carry one-time links (invitations): the admin never shows them, they are
    emptied once the mail is sent, and sent rows are purged after PORTAL_OUTBOX_KEEP_DAYS.
    """


    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What happened, as the sender names it (e.g. "support-message:<id>"); with the
    # template and the recipient it makes the idempotency key.
    event = models.CharField(_("event"), max_length=200, db_index=True)
    template = models.CharField(_("template"), max_length=100)
    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=16)
    idempotency_key = models.CharField(_("idempotency key"), max_length=600, unique=True)
    subject = models.CharField(_("subject"), max_length=998)
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    body_text = models.TextField(_("plain text body"), blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)

    class Meta:
        verbose_name = _("outbound mail")
        verbose_name_plural = _("outbound mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_mail_due"),
                   models.Index(fields=["recipient"], name="outbound_mail_recipient")]

    def __str__(self):
        return f"{self.template} → {self.recipient}"

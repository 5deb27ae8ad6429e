"""Support requests a customer opens, routed to the designated support contact."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupportRequest(models.Model):
    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical: service down")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="support_requests",
                                 limit_choices_to={"kind": "customer"},
                                 verbose_name=_("customer"))
    subscription = models.ForeignKey("subscriptions.Subscription", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="support_requests",
                                     verbose_name=_("subscription"))
    # Who handles it: the subscription's designated support contact when the request was
    # opened (a reseller, or the provider).
    handled_by = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                   related_name="handled_support_requests",
                                   verbose_name=_("handled by"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, related_name="+", verbose_name=_("opened by"))
    title = models.CharField(_("title"), max_length=200)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices,
                                default=Severity.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["handled_by", "status", "-updated_at"], name="support_queue"),
            # The queue unfiltered by status: its page read in order, no sort of every request.
            models.Index(fields=["handled_by", "-updated_at"], name="support_queue_all"),
            models.Index(fields=["customer", "-updated_at"], name="support_customer"),
        ]

    def __str__(self):
        return self.title


class SupportMessage(models.Model):
    """One entry of a request's thread: the description, a reply, or a status change."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        REPLY = "reply", _("Reply")
        STATUS = "status", _("Status change")
        HANDLER = "handler", _("Handler change")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REPLY)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE,
                                related_name="messages", verbose_name=_("request"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    author_organization = models.ForeignKey("organizations.Organization",
                                            on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("on behalf of"))
    body = models.TextField(_("message"), max_length=10000, blank=True)
    status = models.CharField(_("new status"), max_length=16, choices=SupportRequest.Status.choices,
                              blank=True)
    # A handler change: who handled the request before (author_organization handles it now).
    moved_from = models.ForeignKey("organizations.Organization", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("moved from"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # The notification task claims an entry by setting this, so it mails once.
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    # Drawn when the reply form is shown: a reply sent twice (a double click) is saved once.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True,
                                       editable=False)

    class Meta:
        verbose_name = _("support message")
        verbose_name_plural = _("support messages")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "idempotency_key"],
                                    name="supportmessage_one_per_idempotency_key"),
        ]

    def __str__(self):
        return f"{self.author_organization}: {self.body[:40]}"

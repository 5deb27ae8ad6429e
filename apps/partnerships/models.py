"""Partnerships between a provider and an indirect reseller, and the provider's requests.

The tables keep the names they had in the resellers app (the models moved, not the data).
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Partnership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="reseller_partnerships",
                                 limit_choices_to={"kind": "provider"},
                                 verbose_name=_("provider"))
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="provider_partnerships",
                                 limit_choices_to={"kind": "reseller"},
                                 verbose_name=_("reseller"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    accepted_at = models.DateTimeField(_("partnership since"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        db_table = "resellers_partnership"
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reseller"],
                                    condition=models.Q(status="active"),
                                    name="partnership_one_active_per_pair"),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="partnership_provider_st")]

    def __str__(self):
        return f"{self.provider} ↔ {self.reseller}"


class PartnershipInvitation(models.Model):
    """A provider's partnership request, carried to the reseller by a personalized link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="partnership_invitations",
                                 limit_choices_to={"kind": "provider"},
                                 verbose_name=_("provider"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("created by"))
    email = models.EmailField(_("sent to"))
    name = models.CharField(_("reseller name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=5000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    accepted_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("accepted by"))
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="received_invitations",
                                 limit_choices_to={"kind": "reseller"},
                                 verbose_name=_("reseller"))
    declined_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("declined by"))
    # Answered by a reseller none of whose users had the address it was sent to (a link
    # forwarded to a colleague, or to another company): the provider is told so.
    forwarded = models.BooleanField(_("answered from another address"), default=False)
    # The answer mail to the provider's admins, sent once (see tasks.send_invitation_answer).
    answer_notified = models.BooleanField(_("provider told of the answer"), default=False)
    # The mail task claims a send by raising mails_sent towards send_count, so a task
    # delivered twice sends one mail; send_count is what the provider asked for.
    send_count = models.PositiveSmallIntegerField(_("sends requested"), default=0)
    mails_sent = models.PositiveSmallIntegerField(_("mails sent"), default=0)
    last_requested_at = models.DateTimeField(_("last send requested"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=500, blank=True)

    class Meta:
        db_table = "resellers_partnershipinvitation"
        verbose_name = _("partnership invitation")
        verbose_name_plural = _("partnership invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "-created_at"], name="invitation_provider_new"),
                   models.Index(fields=["email", "status"], name="invitation_email_status")]

    def __str__(self):
        return f"{self.provider} → {self.email}"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def effective_status(self):
        """The stored status, with a pending invitation past its date shown as expired."""
        if self.status == self.Status.PENDING and self.is_expired:
            return self.Status.EXPIRED
        return self.Status(self.status)

    def get_effective_status_display(self):
        return self.effective_status.label

    @property
    def answered_by(self):
        """The user who accepted or declined, if any."""
        return self.accepted_by or self.declined_by

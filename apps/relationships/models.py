"""A provider's request that an existing customer let a partnered reseller manage it.

The table keeps the name it had in the resellers app (the model moved, not the data).
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResellerRelationshipRequest(models.Model):
    """A provider asks an existing customer to let a partnered reseller manage it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the customer")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("provider"))
    customer = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="reseller_requests",
                                 limit_choices_to={"kind": "customer"},
                                 verbose_name=_("customer"))
    reseller = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                 related_name="+", limit_choices_to={"kind": "reseller"},
                                 verbose_name=_("reseller"))
    message = models.TextField(_("message to the customer"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    # The mail task claims each notice once: 1 = request sent, 2 = decision sent.
    notices_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "resellers_resellerrelationshiprequest"
        verbose_name = _("reseller relationship request")
        verbose_name_plural = _("reseller relationship requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=models.Q(status="pending"),
                                    name="relationship_one_pending_per_customer"),
        ]

    def __str__(self):
        return f"{self.reseller} → {self.customer}"

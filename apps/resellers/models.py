"""Indirect resellers: the reseller extension of an organization and its enrolment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reseller(models.Model):
    class EnrollmentStatus(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE,
                                        primary_key=True, related_name="reseller",
                                        verbose_name=_("organization"))
    partner_id = models.CharField(_("partner id"), max_length=20, blank=True, db_index=True)
    enrollment_status = models.CharField(_("enrolment status"), max_length=16,
                                         choices=EnrollmentStatus.choices,
                                         default=EnrollmentStatus.APPLIED, db_index=True)
    enrollment_decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("primary contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # The page the applicant enrolled from (a partnership request's link): the enrolment
    # mails point back to it.
    return_to = models.CharField(_("enrolled from"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indirect reseller")
        verbose_name_plural = _("indirect resellers")
        ordering = ["organization__name"]

    def __str__(self):
        return self.organization.name

    @property
    def is_approved(self):
        return self.enrollment_status == self.EnrollmentStatus.APPROVED

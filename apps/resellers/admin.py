from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from apps.admin_actions import reject_with_reason
from apps.errors import DomainError

from .forms import RejectEnrollmentForm
from .models import Reseller
from .services import reseller_approve, reseller_reject


@admin.register(Reseller)
class ResellerAdmin(admin.ModelAdmin):
    list_display = ["organization", "partner_id", "enrollment_status", "enrollment_decided_at",
                    "contact_name", "contact_email"]
    list_filter = ["enrollment_status"]
    search_fields = ["organization__name", "partner_id", "contact_email"]
    list_select_related = ["organization"]
    readonly_fields = ["enrollment_status", "enrollment_decided_at", "rejection_reason"]
    actions = ["approve_enrollments", "reject_enrollments"]

    @admin.action(description=_("Approve selected enrolments"))
    def approve_enrollments(self, request, queryset):
        approved = 0
        for reseller in queryset.select_related("organization"):
            try:
                reseller_approve(reseller=reseller, actor=request.user, request=request)
                approved += 1
            except DomainError as error:
                self.message_user(request, f"{reseller}: {error.message}", messages.ERROR)
        if approved:
            self.message_user(request, ngettext("%(n)d enrolment approved.",
                                                "%(n)d enrolments approved.", approved)
                              % {"n": approved}, messages.SUCCESS)

    @admin.action(description=_("Reject selected enrolments (asks for a reason)"))
    def reject_enrollments(self, request, queryset):
        """An intermediate page asks for the reason, which the applicants receive."""
        return reject_with_reason(
            self, request, queryset.select_related("organization"),
            form_class=RejectEnrollmentForm, action="reject_enrollments",
            title=_("Reject enrolments"),
            explanation=_("The applicants receive this reason by email."),
            describe=lambda r: f"{r.organization.name} ({r.partner_id}) · "
                               f"{r.get_enrollment_status_display()}",
            reject=lambda r, reason: reseller_reject(reseller=r, reason=reason,
                                                     actor=request.user, request=request),
            done=ngettext_lazy("%(n)d enrolment rejected.", "%(n)d enrolments rejected.", "n"))

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.errors import DomainError

from .models import Partnership, Reseller
from .services import reseller_approve


@admin.register(Reseller)
class ResellerAdmin(admin.ModelAdmin):
    list_display = ["organization", "partner_id", "enrollment_status", "enrollment_decided_at",
                    "contact_email"]
    list_filter = ["enrollment_status"]
    search_fields = ["organization__name", "partner_id", "contact_email"]
    list_select_related = ["organization"]
    readonly_fields = ["enrollment_status", "enrollment_decided_at"]
    actions = ["approve_enrollments"]

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
            self.message_user(request, _("%(n)d enrolment(s) approved.") % {"n": approved},
                              messages.SUCCESS)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["provider", "reseller", "status", "accepted_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["provider__name", "reseller__name"]
    list_select_related = ["provider", "reseller"]
    autocomplete_fields = ["provider", "reseller"]

"""Operators' side of the directory: review change requests (diff, approve, reject)."""

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from apps.admin_actions import ReadOnlyAdmin, ReadOnlyAdminMixin, reject_with_reason
from apps.errors import DomainError

from .forms import RejectChangeRequestForm
from .models import ProfileChangeRequest, ProposedLocation, Provider, ProviderListing, ProviderLogo
from .selectors import change_request_diff
from .services import profile_change_approve, profile_change_reject
from .templatetags.directory import png_data_uri

Status = ProfileChangeRequest.Status


# Published data changes only through approved requests: the admin shows it (read-only).
class ListingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProviderListing
    fields = readonly_fields = ("country", "target_url", "published_at")
    extra = 0


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ["organization", "partner_id", "website", "directory_name",
                    "directory_published_at"]
    search_fields = ["organization__name", "partner_id", "directory_name"]
    list_select_related = ["organization"]
    readonly_fields = ["directory_name", "directory_logo", "directory_published_at"]
    inlines = [ListingInline]


@admin.register(ProviderListing)
class ProviderListingAdmin(ReadOnlyAdmin):
    list_display = ["provider", "country", "target_url", "published_at"]
    list_filter = ["country"]
    search_fields = ["provider__organization__name", "provider__directory_name", "target_url"]
    list_select_related = ["provider__organization"]


@admin.register(ProviderLogo)
class ProviderLogoAdmin(ReadOnlyAdmin):
    list_display = ["sha256", "width", "height", "created_at"]
    search_fields = ["sha256"]
    fields = readonly_fields = ("preview", "sha256", "width", "height", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("png")

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html('<img src="{}" width="{}" height="{}" alt="">', png_data_uri(obj),
                           obj.width, obj.height)


@admin.register(ProposedLocation)
class ProposedLocationAdmin(ReadOnlyAdmin):
    list_display = ["change_request", "country", "target_url"]
    search_fields = ["change_request__provider__organization__name", "target_url"]
    list_select_related = ["change_request"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("decision due")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        late = {"status": Status.SUBMITTED, "due_at__lte": timezone.now()}
        if self.value() == "yes":
            return queryset.filter(**late)
        if self.value() == "no":
            return queryset.exclude(**late)
        return queryset


@admin.register(ProfileChangeRequest)
class ProfileChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["provider", "company_name", "status", "submitted_at", "due_at", "overdue",
                    "decided_at"]
    list_filter = ["status", OverdueFilter]
    search_fields = ["provider__organization__name", "company_name", "submitted_by__email"]
    list_select_related = ["provider__organization"]
    fields = readonly_fields = ("provider", "status", "submitted_by", "submitted_at", "due_at",
                                "decided_by", "decided_at", "rejection_reason",
                                "operators_notified_at", "provider_notified_at")
    actions = ["approve_and_publish", "reject_with_reason"]
    change_form_template = "admin/providers/profilechangerequest/change_form.html"
    def get_ordering(self, request):
        # Requests in review first, the most urgent at the top; then the decided ones.
        return ["review_order", "due_at", "-submitted_at"]

    def get_queryset(self, request):
        # Annotated before ordering, which ModelAdmin.get_queryset would apply first.
        return (self.model._default_manager.get_queryset()
                .annotate(review_order=Case(When(status=Status.SUBMITTED, then=Value(0)),
                                            default=Value(1), output_field=IntegerField()))
                .order_by(*self.get_ordering(request)))

    def has_review_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj):
        return obj.is_overdue

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {}
        if obj is not None:
            extra = {"diff": change_request_diff(obj),
                     "can_review": obj.is_pending and self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url,
                                   extra_context={**(extra_context or {}), **extra})

    @admin.action(description=_("Approve and publish"), permissions=["review"])
    def approve_and_publish(self, request, queryset):
        approved = 0
        for change_request in queryset.select_related("provider__organization"):
            try:
                profile_change_approve(change_request=change_request, actor=request.user,
                                       request=request)
                approved += 1
            except DomainError as error:
                self.message_user(request, f"{change_request.provider}: {error.message}",
                                  messages.ERROR)
        if approved:
            self.message_user(request, ngettext(
                "%(n)d request approved and published in the directory.",
                "%(n)d requests approved and published in the directory.",
                approved) % {"n": approved}, messages.SUCCESS)

    @admin.action(description=_("Reject (asks for a reason)"), permissions=["review"])
    def reject_with_reason(self, request, queryset):
        """An intermediate page asks for the reason, which the provider's admins receive."""
        return reject_with_reason(
            self, request, queryset.select_related("provider__organization"),
            form_class=RejectChangeRequestForm, action="reject_with_reason",
            title=_("Reject change requests"),
            explanation=_("The provider's admins receive this reason by email and see it on "
                          "their directory profile. Nothing in the directory changes."),
            describe=lambda r: _("%(provider)s: %(name)s · %(status)s · requested %(date)s") % {
                "provider": r.provider.organization.name, "name": r.company_name,
                "status": r.get_status_display(),
                "date": date_format(localtime(r.submitted_at), "DATETIME_FORMAT")},
            reject=lambda r, reason: profile_change_reject(
                change_request=r, reason=reason, actor=request.user, request=request),
            done=ngettext_lazy("%(n)d request rejected; the directory is unchanged.",
                               "%(n)d requests rejected; the directory is unchanged.", "n"))

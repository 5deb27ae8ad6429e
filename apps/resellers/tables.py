"""django-tables2 tables of the Indirect resellers page."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Partnership, PartnershipInvitation


class PartnershipTable(tables.Table):
    name = tables.Column(accessor="reseller__name", verbose_name=_("Name"))
    partner_id = tables.Column(accessor="reseller__reseller__partner_id",
                               verbose_name=_("Partner id"))
    country = tables.Column(accessor="reseller__country", verbose_name=_("Country"))
    accepted_at = tables.DateColumn(verbose_name=_("Partnership since"),
                                    format="SHORT_DATE_FORMAT")
    customer_count = tables.Column(verbose_name=_("Customers"),
                                   attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    subscription_count = tables.Column(verbose_name=_("Subscriptions (reseller of record)"),
                                       attrs={"td": {"class": "text-end"},
                                              "th": {"class": "text-end"}})
    actions = tables.TemplateColumn(template_name="resellers/partials/partner_actions.html",
                                    verbose_name=_("Actions"), orderable=False)

    class Meta:
        model = Partnership
        fields = ()
        sequence = ("name", "partner_id", "country", "accepted_at", "customer_count",
                    "subscription_count", "actions")
        order_by = "name"
        attrs = {"class": "table table-striped align-middle"}
        empty_text = _("No indirect resellers yet. Resellers appear here once they accept "
                       "your partnership request.")

    def render_country(self, value, record):
        return record.reseller.country.name or "—"


class InvitationTable(tables.Table):
    email = tables.Column(verbose_name=_("Sent to"))
    name = tables.Column(verbose_name=_("Name"), default="—")
    status = tables.Column(verbose_name=_("Status"))
    created_by = tables.Column(accessor="created_by__email", verbose_name=_("Created by"),
                               default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="SHORT_DATE_FORMAT")
    expires_at = tables.DateTimeColumn(verbose_name=_("Expires"), format="SHORT_DATE_FORMAT")
    send_count = tables.Column(verbose_name=_("Sent"), attrs={"td": {"class": "text-end"}})
    actions = tables.TemplateColumn(template_name="resellers/partials/invitation_actions.html",
                                    verbose_name=_("Actions"), orderable=False)

    class Meta:
        model = PartnershipInvitation
        fields = ()
        sequence = ("email", "name", "status", "created_by", "created_at", "expires_at",
                    "send_count", "actions")
        order_by = "-created_at"
        attrs = {"class": "table align-middle"}
        empty_text = _("No partnership requests yet.")

    def render_status(self, record):
        status = record.effective_status
        colour = {"pending": "primary", "accepted": "success", "declined": "secondary",
                  "revoked": "secondary", "expired": "warning"}[status]
        badge = format_html('<span class="badge text-bg-{}">{}</span>', colour, status.label)
        if record.last_error and status == "pending":
            badge = format_html('{} <span class="text-danger small d-block">{}</span>', badge,
                                _("Delivery failed: %(error)s") % {"error": record.last_error})
        return badge

    def render_email(self, value, record):
        if record.status != "pending":
            return value
        url = reverse("resellers:invitation_draft",
                      kwargs={"org_slug": record.provider.slug, "invitation_id": record.pk})
        return format_html('<a href="{}">{}</a>', url, value)

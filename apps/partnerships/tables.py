"""django-tables2 tables of the Indirect resellers page."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from apps.i18n import name_order

from .models import Partnership, PartnershipInvitation


class PartnershipTable(tables.Table):
    name = tables.Column(accessor="reseller__name", verbose_name=_("Name"))
    partner_id = tables.Column(accessor="reseller__reseller__partner_id",
                               verbose_name=_("Partner id"))
    # Read through the record: the field's own display lookup rebuilds the country list
    # for every cell.
    country = tables.Column(accessor="pk", order_by="reseller__country",
                            verbose_name=_("Country"))
    accepted_at = tables.DateColumn(verbose_name=_("Partnership since"),
                                    format="SHORT_DATE_FORMAT")
    customer_count = tables.Column(verbose_name=_("Customers"),
                                   attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    subscription_count = tables.Column(verbose_name=_("Subscriptions (reseller of record)"),
                                       attrs={"td": {"class": "text-end"},
                                              "th": {"class": "text-end"}})
    actions = tables.Column(accessor="pk", verbose_name=_("Actions"), orderable=False)

    class Meta:
        model = Partnership
        fields = ()
        sequence = ("name", "partner_id", "country", "accepted_at", "customer_count",
                    "subscription_count", "actions")
        order_by = "name"
        attrs = {"class": "table table-striped align-middle"}
        empty_text = _("No indirect resellers yet. Resellers appear here once they accept "
                       "your partnership request.")

    def __init__(self, *args, can_manage=False, can_add_customer=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_manage = can_manage
        self.can_add_customer = can_add_customer

    def order_name(self, queryset, is_descending):
        """Reseller names by pinyin where the database can (apps.i18n.name_order)."""
        return queryset.order_by(name_order("reseller__name", descending=is_descending),
                                 "pk"), True

    def render_name(self, value):
        # A long name stays on one line, cut short; its title tells it in full.
        return format_html('<span class="name-cell" title="{}">{}</span>', value, value)

    def render_country(self, value, record):
        return record.reseller.country.name or "—"

    def render_actions(self, record):
        """Built in Python: a template per row costs more than the rest of the row."""
        slug, name = record.provider.slug, record.reseller.name
        links = []
        if self.can_add_customer:
            url = reverse("customers:new", kwargs={"org_slug": slug})
            links.append(format_html(
                '<a class="btn btn-sm btn-primary" href="{}?reseller={}">{}'
                '<span class="visually-hidden"> {}</span></a>', url, record.reseller_id,
                _("Add new customer"), _("for %(name)s") % {"name": name}))
        if self.can_manage:
            url = reverse("partnerships:partnership_end",
                          kwargs={"org_slug": slug, "partnership_id": record.pk})
            links.append(format_html(
                '<a class="btn btn-sm btn-outline-danger" href="{}">{}'
                '<span class="visually-hidden"> {}</span></a>', url, _("End partnership"),
                _("with %(name)s") % {"name": name}))
        return format_html('<div class="d-flex gap-2 justify-content-end">{}</div>',
                           format_html_join("", "{}", ((link,) for link in links)))


class InvitationTable(tables.Table):
    email = tables.Column(verbose_name=_("Sent to"))
    name = tables.Column(verbose_name=_("Name"), default="—")
    status = tables.Column(verbose_name=_("Status"))
    # Who answered: the reseller, the user and when (empty while nobody has).
    answered = tables.Column(accessor="decided_at", verbose_name=_("Answered by"),
                             orderable=False, empty_values=())
    created_by = tables.Column(accessor="created_by__email", verbose_name=_("Created by"),
                               default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="SHORT_DATE_FORMAT")
    expires_at = tables.DateTimeColumn(verbose_name=_("Expires"), format="SHORT_DATE_FORMAT")
    send_count = tables.Column(verbose_name=_("Sent"), attrs={"td": {"class": "text-end"}})
    actions = tables.TemplateColumn(template_name="partnerships/partials/invitation_actions.html",
                                    verbose_name=_("Actions"), orderable=False)

    class Meta:
        model = PartnershipInvitation
        fields = ()
        sequence = ("email", "name", "status", "answered", "created_by", "created_at",
                    "expires_at",
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

    def render_answered(self, record):
        if record.status not in ("accepted", "declined") or record.reseller is None:
            return "—"
        values = {"reseller": record.reseller.name, "email": record.email}
        if record.forwarded:
            summary = (_("accepted by %(reseller)s (sent to %(email)s)")
                       if record.status == "accepted"
                       else _("declined by %(reseller)s (sent to %(email)s)")) % values
        else:
            summary = (_("accepted by %(reseller)s") if record.status == "accepted"
                       else _("declined by %(reseller)s")) % values
        user = record.answered_by
        return format_html('{}<span class="d-block small text-body-secondary">{} · {}</span>',
                           summary, user.email if user else "—",
                           date_format(localtime(record.decided_at), "SHORT_DATETIME_FORMAT"))

    def render_email(self, value, record):
        if record.status != "pending":
            return value
        url = reverse("partnerships:invitation_draft",
                      kwargs={"org_slug": record.provider.slug, "invitation_id": record.pk})
        return format_html('<a href="{}">{}</a>', url, value)

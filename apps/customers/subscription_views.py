"""A customer's own subscriptions, and the subscription detail page of a provider (or of the
customer's delegated reseller) with its changes: designated support contact, reseller of
record, licenses, upgrade, suspension, auto-renew and cancellation. (The pages are the
customers app's: every page under /customers/...; the rules and changes are
apps.subscriptions'.)"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.billing.selectors import credit_notice
from apps.errors import DomainError
from apps.lists import paginate
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.partnerships.selectors import partnered_resellers
from apps.subscriptions import services
from apps.subscriptions.selectors import (
    subscription_get,
    subscription_history,
    subscription_list,
    support_contact_choices,
    upgrade_offers,
)

from .selectors import customer_get
from .subscription_forms import (
    AutoRenewForm,
    ChangeForm,
    LicensesForm,
    ResellerOfRecordForm,
    SupportContactForm,
    UpgradeForm,
)


@workspace_view(kinds=(Kind.CUSTOMER,), permission="subscriptions.view")
def subscriptions(request):
    page = paginate(request, subscription_list(organization=request.organization))
    return render(request, "subscriptions/list.html", {"page": page})


# ------------------------------------------------------------------ the detail page


def _load(request, customer_id, subscription_id):
    customer = customer_get(organization=request.organization, pk=customer_id)
    return customer, subscription_get(customer=customer, pk=subscription_id)


def _forms(subscription, customer, bound=None):
    """Every form of the page, unbound, except `bound` (name → form) sent back with errors."""
    provider = customer.provider
    forms = {
        "support_contact": SupportContactForm(
            choices=support_contact_choices(provider=provider),
            initial={"support_contact": subscription.support_contact_id}),
        "reseller_of_record": ResellerOfRecordForm(
            resellers=partnered_resellers(provider=provider),
            initial={"reseller_of_record": subscription.reseller_of_record_id}),
        "licenses": LicensesForm(offer=subscription.offer,
                                 initial={"quantity": subscription.quantity}),
        "upgrade": UpgradeForm(offers=upgrade_offers(subscription=subscription)),
        "suspend": ChangeForm(),
        "reactivate": ChangeForm(),
        "auto_renew": AutoRenewForm(
            initial={"auto_renew": "on" if not subscription.auto_renew else "off"}),
    }
    forms.update(bound or {})
    for name, form in forms.items():
        form.auto_id = f"{name}-%s"  # several forms on one page: distinct ids
    return forms


def _render(request, customer, subscription, bound=None, status=200):
    is_provider = request.organization.kind == Kind.PROVIDER
    today = timezone.localdate()
    forms = _forms(subscription, customer, bound)
    return render(request, "subscriptions/detail.html", {
        "customer": customer, "subscription": subscription, "forms": forms,
        "upgrade_choices": list(forms["upgrade"].fields["offer"].queryset),
        "can_manage": is_provider and has_permission(request.membership, "customers.manage"),
        "can_order": is_provider and has_permission(request.membership, "orders.submit"),
        # The delegated reseller changes licenses (within the rules) and auto-renew.
        "can_act": has_permission(request.membership, "orders.submit"),
        "reduction_days_left": subscription.reduction_days_left(today),
        "cancellation_refusal": services.cancellation_refusal(subscription, today),
        "window_days": subscription.REDUCTION_WINDOW_DAYS,
        "history": subscription_history(subscription=subscription,
                                        viewer=request.organization),
        # Errors of no one field (the subscription's state, say) go at the top of the page:
        # the form that was sent may not even be shown any more.
        "page_errors": [error for form in (bound or {}).values()
                        for error in form.non_field_errors()],
    }, status=status)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="subscriptions.view")
@require_GET
def subscription_detail(request, customer_id, subscription_id):
    customer, subscription = _load(request, customer_id, subscription_id)
    return _render(request, customer, subscription)


def _change(request, customer_id, subscription_id, *, name, make_form, call, done):
    """POST → validate → call the service → redirect to the (new) subscription's page with a
    message; errors → the page again, the form's errors next to its fields, nothing saved."""
    customer, subscription = _load(request, customer_id, subscription_id)
    form = make_form(subscription, customer)
    if form.is_valid():
        try:
            changed = call(subscription, form.cleaned_data)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, done(changed))
            return redirect("subscriptions:detail", org_slug=request.organization.slug,
                            customer_id=customer.pk, subscription_id=changed.pk)
    return _render(request, customer, subscription, bound={name: form}, status=400)


def _acting(request):
    return {"actor": request.user, "organization": request.organization, "request": request}


@workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")
@require_POST
def support_contact(request, customer_id, subscription_id):
    return _change(
        request, customer_id, subscription_id, name="support_contact",
        make_form=lambda s, c: SupportContactForm(
            request.POST, choices=support_contact_choices(provider=c.provider)),
        call=lambda s, data: services.subscription_set_support_contact(
            subscription=s, contact=data["support_contact"], **_acting(request)),
        done=lambda s: _("%(name)s is now the designated support contact.")
        % {"name": s.support_contact.name})


@workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")
@require_POST
def reseller_of_record(request, customer_id, subscription_id):
    def done(s):
        if s.reseller_of_record is None:
            return _("No reseller is credited with this subscription any more.")
        return _("%(name)s is now the reseller of record.") % {"name": s.reseller_of_record.name}

    return _change(
        request, customer_id, subscription_id, name="reseller_of_record",
        make_form=lambda s, c: ResellerOfRecordForm(
            request.POST, resellers=partnered_resellers(provider=c.provider)),
        call=lambda s, data: services.subscription_set_reseller_of_record(
            subscription=s, reseller=data["reseller_of_record"], **_acting(request)),
        done=done)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="orders.submit")
@require_POST
def licenses(request, customer_id, subscription_id):
    def call(subscription, data):
        # More licences are charged at once: a reseller's credit limit may refuse them.
        more = data["quantity"] - subscription.quantity
        notice = credit_notice(
            provider=subscription.customer.provider,
            reseller=subscription.reseller_of_record,
            lines=[(subscription.offer, more)] if more > 0 else [],
            acting_organization=request.organization, on=timezone.localdate())
        if notice is not None and notice.refused:
            raise DomainError(notice.message, field="quantity", code="credit_limit")
        changed = services.subscription_change_quantity(
            subscription=subscription, quantity=data["quantity"],
            idempotency_key=data["idempotency_key"], **_acting(request))
        if notice is not None:
            messages.warning(request, notice.message)
        return changed

    return _change(
        request, customer_id, subscription_id, name="licenses",
        make_form=lambda s, c: LicensesForm(request.POST, offer=s.offer), call=call,
        done=lambda s: ngettext("The subscription now has %(count)s license.",
                                "The subscription now has %(count)s licenses.", s.quantity)
        % {"count": s.quantity})


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.submit")
@require_POST
def upgrade(request, customer_id, subscription_id):
    return _change(
        request, customer_id, subscription_id, name="upgrade",
        make_form=lambda s, c: UpgradeForm(request.POST,
                                           offers=upgrade_offers(subscription=s)),
        call=lambda s, data: services.subscription_upgrade(
            subscription=s, offer=data["offer"], idempotency_key=data["idempotency_key"],
            **_acting(request)),
        done=lambda s: ngettext("Upgraded to %(offer)s with %(count)s license.",
                                "Upgraded to %(offer)s with %(count)s licenses.", s.quantity)
        % {"offer": s.offer.name, "count": s.quantity})


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.submit")
@require_POST
def suspend(request, customer_id, subscription_id):
    return _change(
        request, customer_id, subscription_id, name="suspend",
        make_form=lambda s, c: ChangeForm(request.POST),
        call=lambda s, data: services.subscription_suspend(
            subscription=s, idempotency_key=data["idempotency_key"], **_acting(request)),
        done=lambda s: _("The subscription is suspended."))


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.submit")
@require_POST
def reactivate(request, customer_id, subscription_id):
    return _change(
        request, customer_id, subscription_id, name="reactivate",
        make_form=lambda s, c: ChangeForm(request.POST),
        call=lambda s, data: services.subscription_reactivate(
            subscription=s, idempotency_key=data["idempotency_key"], **_acting(request)),
        done=lambda s: _("The subscription is active again."))


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="orders.submit")
@require_POST
def auto_renew(request, customer_id, subscription_id):
    def done(s):
        if s.auto_renew:
            return _("Auto-renew is on: the subscription renews on %(day)s.") % {
                "day": _date(s.term_end)}
        return _("Auto-renew is off: the subscription ends on %(day)s.") % {
            "day": _date(s.term_end)}

    return _change(
        request, customer_id, subscription_id, name="auto_renew",
        make_form=lambda s, c: AutoRenewForm(request.POST),
        call=lambda s, data: services.subscription_set_auto_renew(
            subscription=s, auto_renew=data["auto_renew"],
            idempotency_key=data["idempotency_key"], **_acting(request)),
        done=done)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="orders.submit")
@require_http_methods(["GET", "POST"])
def cancel(request, customer_id, subscription_id):
    """Cancel subscription: a confirmation page (what happens, until when it is possible),
    then the cancellation. Past the window the page says why and offers turning auto-renew
    off instead."""
    customer, subscription = _load(request, customer_id, subscription_id)
    today = timezone.localdate()
    form = ChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_cancel(subscription=subscription,
                                         idempotency_key=form.cleaned_data["idempotency_key"],
                                         today=today, **_acting(request))
        except DomainError as error:
            error.add_to_form(form)
            subscription.refresh_from_db()
        else:
            messages.success(request, ngettext(
                "The subscription is cancelled: its %(count)s license is freed.",
                "The subscription is cancelled: its %(count)s licenses are freed.",
                subscription.quantity) % {"count": subscription.quantity})
            return redirect("subscriptions:detail", org_slug=request.organization.slug,
                            customer_id=customer.pk, subscription_id=subscription.pk)
    auto_renew = AutoRenewForm(initial={"auto_renew": "off"})
    auto_renew.auto_id = "auto_renew-%s"
    refusal = services.cancellation_refusal(subscription, today)
    return render(request, "subscriptions/cancel.html", {
        "customer": customer, "subscription": subscription, "form": form,
        "auto_renew_form": auto_renew, "refusal": refusal,
        # The refusal is on the page already: each message once.
        "errors": [error for errors in form.errors.values() for error in errors
                   if error != refusal],
    }, status=400 if request.method == "POST" else 200)


def _date(day):
    return date_format(day, "DATE_FORMAT")

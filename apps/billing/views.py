"""Billing (invoices, their PDF and CSV, the month's reconciliation CSV), price lists, a
provider's reseller terms, tax rates and tax ids."""

import csv
import datetime
import io
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.catalog.selectors import offer_list_orderable
from apps.errors import DomainError, FieldErrors
from apps.http import attachment
from apps.i18n import format_money
from apps.lists import paginate
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.partnerships.selectors import partnered_resellers

from . import documents, selectors, services
from .forms import (
    CreditNoteForm,
    PriceListForm,
    PriceRuleForm,
    ResellerTermsForm,
    TaxIdForm,
    TaxRateForm,
)
from .pricing import previous_month

STAFF = (Kind.PROVIDER, Kind.RESELLER)
EVERYONE = (Kind.PROVIDER, Kind.RESELLER, Kind.CUSTOMER)


def _month(value):
    """'2026-11' → date(2026, 11, 1); anything else → None."""
    try:
        return datetime.datetime.strptime((value or "")[:7], "%Y-%m").date()
    except ValueError:
        return None


# ------------------------------------------------------------------ invoices


@workspace_view(kinds=EVERYONE, permission="billing.view")
@require_GET
def billing(request):
    organization = request.organization
    invoices = selectors.invoice_list(organization=organization)
    status = request.GET.get("status", "")
    today = timezone.localdate()
    if status not in ("overdue", "issued", "paid", "draft"):
        status = ""
    invoices = selectors.invoice_filter(invoices, status=status, today=today)
    page = paginate(request, invoices, per_page=50)
    month = previous_month(today)
    return render(request, "billing/billing.html", {
        "page": page, "status": status,
        "rows": [(invoice, invoice.is_overdue(today)) for invoice in page.object_list],
        "totals": selectors.invoice_totals(invoices=invoices),
        "can_mark_paid": (organization.kind == Kind.PROVIDER
                          and has_permission(request.membership, "billing.manage")),
        "reconciliation_month": f"{month:%Y-%m}",
        "is_staff_org": organization.kind in STAFF,
    })


@workspace_view(kinds=EVERYONE, permission="billing.view")
@require_GET
def invoice_detail(request, invoice_id):
    organization = request.organization
    invoice = selectors.invoice_get(organization=organization, pk=invoice_id)
    is_provider_manager = (organization.kind == Kind.PROVIDER
                           and has_permission(request.membership, "billing.manage"))
    is_issuer = invoice.issuer_id == organization.pk
    can_credit = (is_provider_manager and is_issuer and invoice.kind == invoice.Kind.INVOICE
                  and selectors.invoice_creditable(invoice=invoice).remaining > 0)
    return render(request, "billing/invoice.html", {
        "invoice": invoice, "lines": selectors.invoice_lines(invoice=invoice)[:500],
        "title": documents.invoice_title(invoice),
        "overdue": invoice.is_overdue(),
        "credit_notes": list(invoice.credit_notes.order_by("number")),
        "can_mark_paid": (is_issuer and invoice.kind != invoice.Kind.STATEMENT
                          and is_provider_manager),
        "can_credit": can_credit,
        "can_send": (is_issuer and invoice.kind == invoice.Kind.STATEMENT
                     and invoice.status == invoice.Status.DRAFT
                     and organization.kind == Kind.RESELLER
                     and has_permission(request.membership, "billing.manage")),
    })


@workspace_view(kinds=EVERYONE, permission="billing.view")
@require_GET
def invoice_pdf(request, invoice_id):
    invoice = selectors.invoice_get(organization=request.organization, pk=invoice_id)
    return attachment(selectors.invoice_pdf(invoice=invoice), "application/pdf",
                     selectors.invoice_filename(invoice, "pdf"))


@workspace_view(kinds=EVERYONE, permission="billing.view")
@require_GET
def invoice_csv(request, invoice_id):
    invoice = selectors.invoice_get(organization=request.organization, pk=invoice_id)
    return attachment(selectors.invoice_csv(invoice=invoice), "text/csv; charset=utf-8",
                     selectors.invoice_filename(invoice, "csv"))


@workspace_view(kinds=(Kind.PROVIDER,), permission="billing.manage")
@require_POST
def invoice_paid(request, invoice_id):
    invoice = selectors.invoice_get(organization=request.organization, pk=invoice_id)
    try:
        services.invoice_mark_paid(invoice=invoice, issuer=request.organization,
                                   actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(number)s is marked paid.")
                         % {"number": invoice.display_number})
    return redirect("billing:invoice", org_slug=request.organization.slug,
                    invoice_id=invoice.pk)


@workspace_view(kinds=(Kind.PROVIDER,), permission="billing.manage")
@require_http_methods(["GET", "POST"])
def invoice_credit_note(request, invoice_id):
    """Credit chosen lines of an invoice (an amount each), or all that is left of it."""
    organization = request.organization
    invoice = selectors.invoice_get(organization=organization, pk=invoice_id)
    if invoice.kind != invoice.Kind.INVOICE or invoice.issuer_id != organization.pk:
        raise Http404
    creditable = selectors.invoice_creditable(invoice=invoice)
    back = redirect("billing:invoice", org_slug=organization.slug, invoice_id=invoice.pk)
    if request.method == "POST":
        form = CreditNoteForm(request.POST, creditable=creditable)
        if form.is_valid():
            try:
                note = services.invoice_credit_note(
                    invoice=invoice, issuer=organization,
                    amounts=None if "credit_all" in request.POST else form.amounts(),
                    request_key=form.cleaned_data["request_key"], actor=request.user,
                    request=request)
            except FieldErrors as errors:
                for field, field_errors in errors.errors.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Credit note %(number)s corrects %(invoice)s: "
                                            "%(total)s.")
                                 % {"number": note.display_number,
                                    "invoice": invoice.display_number,
                                    "total": format_money(note.total, note.currency)})
                return redirect("billing:invoice", org_slug=organization.slug,
                                invoice_id=note.pk)
    else:
        if creditable.remaining <= 0:
            messages.error(request, _("Nothing of this invoice is left to credit."))
            return back
        form = CreditNoteForm(creditable=creditable, initial={"request_key": uuid.uuid4()})
    return render(request, "billing/credit_note.html", {
        "invoice": invoice, "form": form, "creditable": creditable,
        "lines": [(form[name], charge, remaining) for name, charge, remaining in form.lines],
    }, status=400 if form.errors else 200)


@workspace_view(kinds=(Kind.RESELLER,), permission="billing.manage")
@require_http_methods(["GET", "POST"])
def statement_send(request, invoice_id):
    """Review a draft statement and send it to the customer (a confirmation page)."""
    organization = request.organization
    statement = selectors.invoice_get(organization=organization, pk=invoice_id)
    if statement.kind != statement.Kind.STATEMENT or statement.issuer_id != organization.pk:
        raise Http404
    if statement.status != statement.Status.DRAFT:
        messages.info(request, _("%(number)s was sent already.")
                      % {"number": statement.display_number})
        return redirect("billing:invoice", org_slug=organization.slug,
                        invoice_id=statement.pk)
    if request.method == "POST":
        statement = services.statement_send(statement=statement, reseller=organization,
                                            actor=request.user, request=request)
        messages.success(request, _("Statement %(number)s is sent to %(customer)s.")
                         % {"number": statement.display_number,
                            "customer": statement.recipient_name})
        return redirect("billing:invoice", org_slug=organization.slug,
                        invoice_id=statement.pk)
    return render(request, "billing/statement_send.html", {
        "statement": statement, "lines": selectors.invoice_lines(invoice=statement)[:500],
        "admins": selectors.statement_recipients(statement=statement)})


@workspace_view(kinds=STAFF, permission="billing.view")
@require_GET
def reconciliation(request):
    month = _month(request.GET.get("month")) or previous_month(timezone.localdate())
    organization = request.organization
    charges = selectors.charges_for_month(organization=organization, month=month)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(documents.RECONCILIATION_HEADER)
    as_provider = organization.kind == Kind.PROVIDER
    writer.writerows(documents.reconciliation_rows(charges.iterator(chunk_size=2000),
                                                   as_provider=as_provider))
    writer.writerows(documents.credit_rows(
        selectors.credit_lines_for_month(organization=organization, month=month),
        as_provider=as_provider))
    return attachment(out.getvalue(), "text/csv; charset=utf-8",
                      f"reconciliation-{organization.slug}-{month:%Y-%m}.csv")


# ------------------------------------------------------------------ price lists


def _rule_form(request, data=None):
    margin_label = (_("Margin over cost (%)") if request.organization.kind == Kind.PROVIDER
                    else _("Margin over your price (%)"))
    return PriceRuleForm(data, offers=offer_list_orderable(), margin_label=margin_label,
                         prefix="rule")


@workspace_view(kinds=STAFF, permission="billing.view")
@require_http_methods(["GET", "POST"])
def price_lists(request):
    organization = request.organization
    if organization.kind == Kind.RESELLER:
        own = selectors.own_price_list_of(reseller=organization)
        if own is None:
            if not has_permission(request.membership, "billing.manage"):
                return render(request, "billing/price_list.html", {
                    "price_list": None, "rules": [], "form": None})
            own = services.own_price_list(reseller=organization)
        return redirect("billing:price_list", org_slug=organization.slug, list_id=own.pk)
    can_manage = has_permission(request.membership, "billing.manage")
    form = PriceListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                price_list = services.price_list_create(
                    owner=organization, name=form.cleaned_data["name"],
                    is_default=form.cleaned_data["is_default"], actor=request.user,
                    request=request)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Price list %(name)s created.")
                                 % {"name": price_list.name})
                return redirect("billing:price_list", org_slug=organization.slug,
                                list_id=price_list.pk)
    return render(request, "billing/price_lists.html", {
        "lists": selectors.price_lists(owner=organization), "form": form,
        "can_manage": can_manage}, status=400 if form.errors else 200)


@workspace_view(kinds=STAFF, permission="billing.view")
@require_http_methods(["GET", "POST"])
def price_list(request, list_id):
    organization = request.organization
    price_list = selectors.price_list_get(owner=organization, pk=list_id)
    can_manage = has_permission(request.membership, "billing.manage")
    form = _rule_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.price_rule_set(
                    price_list=price_list, offer=data["offer"],
                    margin_percent=data["margin_percent"], fixed_price=data["fixed_price"],
                    effective_from=data["effective_from"], actor=request.user,
                    request=request)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Price saved. Charges already made keep their "
                                            "prices."))
                return redirect("billing:price_list", org_slug=organization.slug,
                                list_id=price_list.pk)
    rules = list(price_list.rules.select_related("offer")
                 .order_by("offer__name", "-effective_from"))
    return render(request, "billing/price_list.html", {
        "price_list": price_list, "rules": rules, "form": form if can_manage else None,
        "is_provider": organization.kind == Kind.PROVIDER,
    }, status=400 if form.errors else 200)


@workspace_view(kinds=STAFF, permission="billing.manage")
@require_POST
def price_rule_delete(request, rule_id):
    rule = selectors.price_rule_get(owner=request.organization, pk=rule_id)
    list_id = rule.price_list_id
    services.price_rule_delete(rule=rule, actor=request.user, request=request)
    messages.success(request, _("Price removed."))
    return redirect("billing:price_list", org_slug=request.organization.slug, list_id=list_id)


# ------------------------------------------------------------------ resellers' terms


@workspace_view(kinds=(Kind.PROVIDER,), permission="billing.view")
@require_GET
def reseller_terms(request):
    organization = request.organization
    resellers = list(partnered_resellers(provider=organization).order_by("name"))
    accounts = selectors.reseller_accounts(provider=organization)
    default = selectors.price_lists(owner=organization).filter(is_default=True).first()
    rows = [(reseller, accounts.get(reseller.pk)) for reseller in resellers]
    return render(request, "billing/reseller_terms.html", {
        "rows": rows, "default": default,
        "can_manage": has_permission(request.membership, "billing.manage")})


@workspace_view(kinds=(Kind.PROVIDER,), permission="billing.manage")
@require_http_methods(["GET", "POST"])
def reseller_terms_edit(request, reseller_id):
    organization = request.organization
    reseller = partnered_resellers(provider=organization).filter(pk=reseller_id).first()
    if reseller is None:
        raise Http404
    account = selectors.reseller_accounts(provider=organization).get(reseller.pk)
    lists = selectors.price_lists(owner=organization)
    if request.method == "POST":
        form = ResellerTermsForm(request.POST, price_lists=lists)
        if form.is_valid():
            try:
                services.reseller_account_set(
                    provider=organization, reseller=reseller,
                    price_list=form.cleaned_data["price_list"],
                    credit_limit=form.cleaned_data["credit_limit"], actor=request.user,
                    request=request)
            except DomainError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Terms of %(reseller)s saved.")
                                 % {"reseller": reseller.name})
                return redirect("billing:reseller_terms", org_slug=organization.slug)
    else:
        form = ResellerTermsForm(price_lists=lists, initial={
            "price_list": account.price_list if account else None,
            "credit_limit": account.credit_limit if account else None})
    return render(request, "billing/reseller_terms_edit.html", {
        "reseller": reseller, "form": form}, status=400 if form.errors else 200)


# ------------------------------------------------------------------ tax


@workspace_view(kinds=STAFF, permission="billing.view")
@require_http_methods(["GET", "POST"])
def tax(request):
    organization = request.organization
    can_manage = has_permission(request.membership, "billing.manage")
    is_provider = organization.kind == Kind.PROVIDER
    id_form = TaxIdForm(request.POST if "tax_id_submit" in request.POST else None,
                        initial={"tax_id": selectors.tax_id_of(organization=organization)},
                        prefix="id")
    rate_form = TaxRateForm(request.POST if "rate_submit" in request.POST else None,
                            prefix="rate") if is_provider else None
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if id_form.is_bound and id_form.is_valid():
            services.tax_id_set(organization=organization,
                                tax_id=id_form.cleaned_data["tax_id"], actor=request.user,
                                request=request)
            messages.success(request, _("Tax ID saved."))
            return redirect("billing:tax", org_slug=organization.slug)
        if rate_form is not None and rate_form.is_bound and rate_form.is_valid():
            try:
                services.tax_rate_set(provider=organization,
                                      country=rate_form.cleaned_data["country"],
                                      rate=rate_form.cleaned_data["rate"], actor=request.user,
                                      request=request)
            except DomainError as error:
                error.add_to_form(rate_form)
            else:
                messages.success(request, _("Tax rate saved."))
                return redirect("billing:tax", org_slug=organization.slug)
    invalid = bool(id_form.errors or (rate_form is not None and rate_form.errors))
    return render(request, "billing/tax.html", {
        "id_form": id_form, "rate_form": rate_form, "can_manage": can_manage,
        "rates": selectors.tax_rates(provider=organization) if is_provider else [],
    }, status=400 if invalid else 200)

"""/api/v1/invoices/ and /api/v1/charges/: what the Billing page, an invoice's page (its
PDF and CSV, Mark paid) and the reconciliation CSV show, through the billing app's
selectors and services. A provider reads the invoices and credit notes it issued and the
charges it bills; a reseller the invoices its providers address to it, the statements it
issues to its customers, and the charges it is billed for (at its price: never the
provider's cost). Another organization's invoice is a 404."""

import datetime
import uuid

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.billing import selectors
from apps.billing.services import invoice_mark_paid
from apps.http import attachment
from apps.organizations.roles import Kind

from . import serializers_billing as s
from .idempotency import idempotent
from .pagination import keyset_page
from .serializers import ProblemSerializer, page_of
from .views import ERRORS, IDEMPOTENCY, PAGING, STAFF, _list_response

STATUSES = ["issued", "paid", "overdue", "draft"]
KINDS = ["invoice", "credit_note", "statement"]
INVOICE_SORTS = {"-month": [(F("month"), True)], "month": [(F("month"), False)]}
CHARGE_SORTS = {"-posted_on": [(F("posted_on"), True)], "posted_on": [(F("posted_on"), False)]}
MONTH = OpenApiParameter("month", str, description="YYYY-MM: the month billed.")


def _month(request, errors):
    raw = request.query_params.get("month", "")
    if not raw:
        return None
    try:
        return datetime.datetime.strptime(raw, "%Y-%m").date() if len(raw) == 7 else None
    except ValueError:
        pass
    errors["month"] = [_("Enter a month as YYYY-MM.")]
    return None


def _id(request, name, errors):
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        errors[name] = [_("Enter a valid id.")]
        return None


def _invoice(request, invoice_id):
    return selectors.invoice_get(organization=request._request.organization, pk=invoice_id)


def _detail(invoice):
    invoice.lines = selectors.invoice_lines(invoice=invoice)
    invoice.tax_lines = [{"rate": invoice.tax_rate, "base": invoice.subtotal,
                          "amount": invoice.tax, "reverse_charge": invoice.reverse_charge}]
    return s.InvoiceDetailSerializer(invoice).data


class InvoiceList(APIView):
    kinds = STAFF
    permissions = {"GET": "billing.view"}

    @extend_schema(
        operation_id="invoices_list",
        summary="Invoices, credit notes and statements you issued or received (as on the "
                "Billing page), newest month first",
        parameters=[OpenApiParameter("status", str, enum=STATUSES, description=(
                        "`overdue`: issued and past its due day; `draft`: your statements "
                        "not sent yet (reseller).")),
                    OpenApiParameter("kind", str, enum=KINDS), MONTH,
                    OpenApiParameter("sort", str, enum=list(INVOICE_SORTS)), *PAGING],
        responses={200: page_of(s.InvoiceSerializer), **ERRORS})
    def get(self, request):
        params = request.query_params
        errors: dict[str, list[str]] = {}
        status = params.get("status", "")
        if status and status not in STATUSES:
            errors["status"] = [_("Choose a status from the list.")]
        kind = params.get("kind", "")
        if kind and kind not in KINDS:
            errors["kind"] = [_("Choose a kind from the list.")]
        month = _month(request, errors)
        if errors:
            raise ValidationError(errors)
        invoices = selectors.invoice_filter(
            selectors.invoice_list(organization=request._request.organization),
            status=status, month=month, today=timezone.localdate())
        if kind:
            invoices = invoices.filter(kind=kind)
        return _list_response(request, invoices.select_related("corrects"),
                              s.InvoiceSerializer, INVOICE_SORTS, "-month")


class InvoiceDetail(APIView):
    kinds = STAFF
    permissions = {"GET": "billing.view"}

    @extend_schema(operation_id="invoices_retrieve",
                   summary="One invoice, credit note or statement with its lines and tax",
                   responses={200: s.InvoiceDetailSerializer, **ERRORS})
    def get(self, request, invoice_id):
        return Response(_detail(_invoice(request, invoice_id)))


class _Download(APIView):
    kinds = STAFF
    permissions = {"GET": "billing.view"}

    def perform_content_negotiation(self, request, force=False):
        # The file is the answer whatever the client accepts; errors stay problem JSON.
        return super().perform_content_negotiation(request, force=True)


class InvoicePdf(_Download):
    @extend_schema(operation_id="invoices_pdf", summary="The invoice as PDF",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request, invoice_id):
        invoice = _invoice(request, invoice_id)
        return attachment(selectors.invoice_pdf(invoice=invoice), "application/pdf",
                          selectors.invoice_filename(invoice, "pdf"))


class InvoiceCsv(_Download):
    @extend_schema(operation_id="invoices_csv",
                   summary="The invoice as CSV (UTF-8 with BOM): its lines, then subtotal, "
                           "tax and total",
                   responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, invoice_id):
        invoice = _invoice(request, invoice_id)
        return attachment(selectors.invoice_csv(invoice=invoice), "text/csv; charset=utf-8",
                          selectors.invoice_filename(invoice, "csv"))


PAID_ON = forms.DateField(required=False)


class InvoiceMarkPaid(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"POST": "billing.manage"}

    @extend_schema(operation_id="invoices_mark_paid", request=s.MarkPaidInput,
                   parameters=[IDEMPOTENCY],
                   responses={200: s.InvoiceDetailSerializer,
                              (409, "application/problem+json"): ProblemSerializer,
                              **ERRORS},
                   summary="Mark an invoice you issued paid (as its page's Mark paid); "
                           "marking it again changes nothing")
    def post(self, request, invoice_id):
        organization = request._request.organization
        invoice = _invoice(request, invoice_id)
        data = request.data if isinstance(request.data, dict) else {}
        raw = data.get("paid_on")
        try:
            paid_on = PAID_ON.clean(raw if isinstance(raw, str) else None)
        except forms.ValidationError as error:
            raise ValidationError({"paid_on": error.messages}) from None
        if raw is not None and not isinstance(raw, str):
            raise ValidationError({"paid_on": [_("Enter a valid date.")]})
        if paid_on is not None and paid_on > timezone.localdate():
            raise ValidationError({"paid_on": [_("Enter a day no later than today.")]})

        def create(_key):
            paid = invoice_mark_paid(invoice=invoice, issuer=organization, paid_on=paid_on,
                                     actor=request.user, request=request._request)
            return Response(_detail(paid))

        return idempotent(request, create)


class ChargeList(APIView):
    kinds = STAFF
    permissions = {"GET": "billing.view"}

    @extend_schema(
        operation_id="charges_list",
        summary="Charge lines (the reconciliation CSV's rows): a provider's, all it bills; "
                "a reseller's, those it is billed for as reseller of record, at its price",
        parameters=[MONTH,
                    OpenApiParameter("customer", OpenApiTypes.UUID,
                                     description="A customer's id (GET /customers/)."),
                    OpenApiParameter("subscription", OpenApiTypes.UUID,
                                     description="A subscription's id."),
                    OpenApiParameter("sort", str, enum=list(CHARGE_SORTS)), *PAGING],
        responses={200: page_of(s.ChargeSerializer), **ERRORS})
    def get(self, request):
        organization = request._request.organization
        errors: dict[str, list[str]] = {}
        month = _month(request, errors)
        customer = _id(request, "customer", errors)
        subscription = _id(request, "subscription", errors)
        if errors:
            raise ValidationError(errors)
        charges = selectors.charge_list(organization=organization)
        if month is not None:
            charges = selectors.charges_in_month(charges, month)
        if customer is not None:
            charges = charges.filter(customer_id=customer)
        if subscription is not None:
            charges = charges.filter(subscription_id=subscription)
        charges = charges.select_related("customer", "offer", "reseller", "invoice")
        rows, cursor, _sort = keyset_page(request, charges, CHARGE_SORTS, default="-posted_on")
        context = {"as_provider": organization.kind == Kind.PROVIDER}
        return Response({"results": s.ChargeSerializer(rows, many=True, context=context).data,
                         "next": cursor})

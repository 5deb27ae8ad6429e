"""/api/v1/audit-events/ (provider and reseller admins: the Audit log page),
/api/v1/providers/ (a reseller's partnerships: its Providers page) and
/api/v1/incentives/ (a reseller's incentive-eligible subscriptions of a month: its
Incentives page and CSV)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from apps.audit.selectors import audit_event_list
from apps.i18n import name_order
from apps.incentives.selectors import incentive_subscriptions
from apps.organizations.roles import Kind
from apps.partnerships.selectors import partnership_history

from . import serializers_more as s
from .serializers import page_of
from .views import ERRORS, PAGING, STAFF, _list_response

ACTION = forms.CharField(max_length=64, required=False)

AUDIT_SORTS = {"-at": [(F("at"), True)], "at": [(F("at"), False)]}


class AuditEventList(APIView):
    kinds = STAFF
    permissions = {"GET": "audit.view"}

    @extend_schema(
        operation_id="audit_events_list",
        summary="Audit events of your organization (as on the Audit log page), newest first",
        parameters=[OpenApiParameter("action", str, description=(
                        "Only events with this action code, e.g. `support.replied`.")),
                    OpenApiParameter("sort", str, enum=list(AUDIT_SORTS)), *PAGING],
        responses={200: page_of(s.AuditEventSerializer), **ERRORS})
    def get(self, request):
        queryset = audit_event_list(organization=request._request.organization)
        try:
            action = ACTION.clean(request.query_params.get("action", "")).strip()
        except DjangoValidationError as error:
            raise ValidationError({"action": error.messages}) from None
        if action:
            queryset = queryset.filter(action=action)
        return _list_response(request, queryset, s.AuditEventSerializer, AUDIT_SORTS, "-at")


def _by_provider(descending):
    # Built per request: name_order asks the database whether it has the pinyin collation.
    return lambda: [(name_order("provider__name").expression, descending)]


PROVIDER_SORTS = {
    "provider": _by_provider(False),
    "-provider": _by_provider(True),
    "-accepted_at": [(F("accepted_at"), True)],
    "accepted_at": [(F("accepted_at"), False)],
}


class ProviderList(APIView):
    kinds = (Kind.RESELLER,)
    permissions = {"GET": "partners.view"}

    @extend_schema(
        operation_id="providers_list",
        summary="Your partnerships with indirect providers, active and ended (as on the "
                "Providers page)",
        parameters=[OpenApiParameter("status", str, enum=["active", "ended"]),
                    OpenApiParameter("sort", str, enum=list(PROVIDER_SORTS)), *PAGING],
        responses={200: page_of(s.ProviderPartnershipSerializer), **ERRORS})
    def get(self, request):
        queryset = partnership_history(reseller=request._request.organization)
        status = request.query_params.get("status", "")
        if status:
            if status not in queryset.model.Status.values:
                raise ValidationError({"status": [_("Choose a status from the list.")]})
            queryset = queryset.filter(status=status)
        return _list_response(request, queryset, s.ProviderPartnershipSerializer,
                              PROVIDER_SORTS, "provider")


def _by_customer(descending):
    return lambda: [(name_order("customer__organization__name").expression, descending),
                    (F("offer__name"), descending)]


INCENTIVE_SORTS = {"customer": _by_customer(False), "-customer": _by_customer(True)}


class IncentiveList(APIView):
    kinds = (Kind.RESELLER,)
    permissions = {"GET": "partners.view"}

    @extend_schema(
        operation_id="incentives_list",
        summary="Incentive-eligible subscriptions of a month: those you are reseller of "
                "record for, active during the month (the Incentives CSV's rows)",
        parameters=[OpenApiParameter("month", str, description=(
                        "YYYY-MM; the current month when absent.")),
                    OpenApiParameter("sort", str, enum=list(INCENTIVE_SORTS)), *PAGING],
        responses={200: page_of(s.IncentiveSerializer), **ERRORS})
    def get(self, request):
        raw = request.query_params.get("month", "")
        if raw:
            try:
                month = datetime.datetime.strptime(raw[:7], "%Y-%m").date() \
                    if len(raw) == 7 else None
            except ValueError:
                month = None
            if month is None:
                raise ValidationError({"month": [_("Enter a month as YYYY-MM.")]})
        else:
            month = timezone.localdate().replace(day=1)
        queryset = incentive_subscriptions(reseller=request._request.organization, month=month)
        return _list_response(request, queryset, s.IncentiveSerializer, INCENTIVE_SORTS,
                              "customer")

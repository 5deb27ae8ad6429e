"""/api/v1/ resources. Each view reads through the selectors the pages use and writes
through the services the pages call; `kinds` and `permissions` are the pages' access rule
(apps.api.permissions). A new resource: see docs/api.md, "Adding a resource"."""

import uuid

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.customers.selectors import (
    customer_get,
    customer_list,
    customer_reseller_choices,
    customer_search,
)
from apps.customers.services import customer_submit_data
from apps.i18n import name_order
from apps.orders.selectors import order_get, order_list, orderable_offers
from apps.organizations.roles import Kind
from apps.partnerships.selectors import partnership_history
from apps.prepared import Prepared

from . import serializers as s
from .idempotency import idempotent
from .pagination import keyset_ordered, keyset_page

STAFF = (Kind.PROVIDER, Kind.RESELLER)
SEARCH = forms.CharField(max_length=100, required=False)
NO_RESELLER = "none"

PAGING = [
    OpenApiParameter("cursor", str, description="The `next` cursor of the previous page."),
    OpenApiParameter("page_size", int, description="Rows per page: 1 to 200 (default 50)."),
]
# Every error is a problem detail (apps.api.problems).
ERRORS = {(code, "application/problem+json"): s.ProblemSerializer
          for code in (400, 401, 403, 404, 429)}
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Sent again with the same body, the first response is replayed; with "
                "another body, 409.")


def _list_response(request, queryset, serializer, sorts, default, first_page=None):
    rows, cursor, _sort = keyset_page(request, queryset, sorts, default=default,
                                      first_page=first_page)
    return Response({"results": serializer(rows, many=True).data, "next": cursor})


def _uuid_param(request, name):
    """A ?name= id, or a 400 with the page's message."""
    raw = request.query_params.get(name, "")
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


class OfferList(APIView):
    kinds = STAFF
    permissions = {"GET": "customers.view"}

    @extend_schema(operation_id="offers_list", parameters=PAGING,
                   responses={200: s.page_of(s.OfferSerializer), **ERRORS},
                   summary="The catalog: offers that can be ordered")
    def get(self, request):
        return _list_response(request, orderable_offers(), s.OfferSerializer,
                              {"name": [(F("name"), False)]}, "name")


def _by_name(descending):
    # Built per request: name_order asks the database whether it has the pinyin collation.
    return lambda: [(name_order("name").expression, descending)]


CUSTOMER_SORTS = {
    "company": _by_name(False),
    "-company": _by_name(True),
    "domain_prefix": [(F("domain_prefix"), False)],
    "-domain_prefix": [(F("domain_prefix"), True)],
    "created_at": [(F("created_at"), False)],
    "-created_at": [(F("created_at"), True)],
}


# The unfiltered customers list's first page, per organization kind, sort and page size:
# its statement compiled once per process and connection (apps.prepared), about 2,500
# Python calls a request less. Built from the organization's id and kind alone.
_CUSTOMER_FIRST_PAGES: dict[tuple[object, str, str, int], Prepared] = {}


def _customer_first_page(organization):
    model, kind = type(organization), organization.kind

    def first_page(sort, size):
        key = (model, kind, sort, size)
        prepared = _CUSTOMER_FIRST_PAGES.get(key)
        if prepared is None:
            def build(pk):
                queryset = customer_list(organization=model(pk=pk, kind=kind),
                                         both_parties=True)
                return keyset_ordered(queryset, CUSTOMER_SORTS, sort)[:size + 1]
            prepared = _CUSTOMER_FIRST_PAGES[key] = Prepared(build)
        return prepared(organization.pk)
    return first_page


class CustomerList(APIView):
    kinds = STAFF
    # Creating a customer is the New customer wizard's Submit: manage, and submit orders.
    permissions = {"GET": "customers.view", "POST": "customers.manage"}
    method_kinds = {"POST": (Kind.PROVIDER,)}

    @extend_schema(
        operation_id="customers_list", summary="Customers (as on the Customers page)",
        parameters=[
            OpenApiParameter("q", str, description="Search by company or domain."),
            OpenApiParameter("reseller", str, description=(
                "Provider: an indirect reseller's id, or `none` for direct customers.")),
            OpenApiParameter("provider", OpenApiTypes.UUID,
                             description="Reseller: a provider's id."),
            OpenApiParameter("status", str, enum=["provisioning", "active", "failed"]),
            OpenApiParameter("sort", str, enum=list(CUSTOMER_SORTS)),
            *PAGING],
        responses={200: s.page_of(s.CustomerSerializer), **ERRORS})
    def get(self, request):
        organization = request._request.organization
        params = request.query_params
        if not any(params.get(name) for name in ("q", "reseller", "provider", "status",
                                                 "cursor")):
            # The unfiltered first page: its statement is kept (_customer_first_page).
            return _list_response(request, None, s.CustomerSerializer, CUSTOMER_SORTS,
                                  "company", _customer_first_page(organization))
        queryset = customer_list(organization=organization, both_parties=True)
        errors = {}
        try:  # the Customers page's search field: its rules and messages
            term = SEARCH.clean(params.get("q", ""))
        except DjangoValidationError as error:
            errors["q"] = error.messages
        else:
            queryset = customer_search(queryset, term)
        if params.get("reseller") and organization.kind == Kind.PROVIDER:
            if params["reseller"] == NO_RESELLER:
                queryset = queryset.filter(reseller__isnull=True)
            else:
                reseller = _uuid_param(request, "reseller")
                if reseller is None or not customer_reseller_choices(
                        provider=organization).filter(pk=reseller).exists():
                    errors["reseller"] = [_("Choose a reseller from the list.")]
                else:
                    queryset = queryset.filter(reseller_id=reseller)
        if params.get("provider") and organization.kind == Kind.RESELLER:
            provider = _uuid_param(request, "provider")
            if provider is None or not partnership_history(reseller=organization).filter(
                    provider_id=provider).exists():
                errors["provider"] = [_("Choose a provider from the list.")]
            else:
                queryset = queryset.filter(provider_id=provider)
        status = params.get("status")
        if status:
            if status not in queryset.model.Status.values:
                errors["status"] = [_("Choose a status from the list.")]
            else:
                queryset = queryset.filter(status=status)
        if errors:
            raise ValidationError(errors)
        return _list_response(request, queryset, s.CustomerSerializer, CUSTOMER_SORTS,
                              "company")

    @extend_schema(operation_id="customers_create", request=s.NewCustomerInput,
                   parameters=[IDEMPOTENCY],
                   responses={201: s.OrderDetailSerializer,
                              (409, "application/problem+json"): s.ProblemSerializer,
                              **ERRORS},
                   summary="New customer: the customer and its order, provisioned in the "
                           "background; returns the order")
    def post(self, request):
        organization = request._request.organization
        data = request.data if isinstance(request.data, dict) else {}

        def create(key):
            order = customer_submit_data(provider=organization, data=data, idempotency_key=key,
                                         submitted_by=request.user, request=request._request)
            order = order_get(provider=organization, pk=order.pk)
            return Response(s.OrderDetailSerializer(order).data, status=201)

        return idempotent(request, create)


class CustomerDetail(APIView):
    kinds = STAFF
    permissions = {"GET": "customers.view"}

    @extend_schema(operation_id="customers_retrieve", summary="One customer",
                   responses={200: s.CustomerDetailSerializer, **ERRORS})
    def get(self, request, customer_id):
        customer = customer_get(organization=request._request.organization, pk=customer_id)
        return Response(s.CustomerDetailSerializer(customer).data)


ORDER_SORTS = {
    "-submitted_at": [(F("submitted_at"), True)],
    "submitted_at": [(F("submitted_at"), False)],
}


class OrderList(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"GET": "orders.view"}

    @extend_schema(
        operation_id="orders_list", summary="Orders (as on the Orders page)",
        parameters=[OpenApiParameter("status", str, enum=["submitted", "provisioning",
                                                          "completed", "failed"]),
                    OpenApiParameter("kind", str),
                    OpenApiParameter("sort", str, enum=list(ORDER_SORTS)), *PAGING],
        responses={200: s.page_of(s.OrderSerializer), **ERRORS})
    def get(self, request):
        queryset = order_list(provider=request._request.organization)
        errors = {}
        for name, message in (("status", _("Choose a status from the list.")),
                              ("kind", _("Choose a kind from the list."))):
            value = request.query_params.get(name)
            if value:
                choices = getattr(queryset.model, name.capitalize()).values
                if value not in choices:
                    errors[name] = [message]
                else:
                    queryset = queryset.filter(**{name: value})
        if errors:
            raise ValidationError(errors)
        return _list_response(request, queryset, s.OrderSerializer, ORDER_SORTS,
                              "-submitted_at")


class OrderDetail(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"GET": "orders.view"}

    @extend_schema(operation_id="orders_retrieve", summary="One order, with its lines",
                   responses={200: s.OrderDetailSerializer, **ERRORS})
    def get(self, request, order_id):
        order = order_get(provider=request._request.organization, pk=order_id)
        return Response(s.OrderDetailSerializer(order).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def not_found(request):
    raise NotFound(_("Not found."))

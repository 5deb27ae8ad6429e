"""/api/v1/partners/ and /api/v1/partnership-invitations/: the provider's Indirect resellers
page (its partners, End partnership) and its partnership requests (create, resend,
revoke), through the partnerships app's selectors and services."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.i18n import name_order
from apps.organizations.roles import Kind
from apps.partnerships.selectors import (
    credited_subscription_counts,
    invitation_get,
    invitation_list,
    invitation_url,
    partnership_get,
    partnership_list,
)
from apps.partnerships.services import (
    invitation_create_data,
    invitation_resend,
    invitation_revoke,
    partnership_end,
)

from . import serializers as s
from .idempotency import idempotent
from .pagination import keyset_page
from .views import ERRORS, IDEMPOTENCY, PAGING

SEARCH = forms.CharField(max_length=100, required=False)
CONFLICT = {(409, "application/problem+json"): s.ProblemSerializer}

# ------------------------------------------------------------------ serializers


class ResellerRefSerializer(s.OrganizationRefSerializer):
    partner_id = serializers.CharField(source="reseller.partner_id", default="")
    country = serializers.CharField()


class PartnershipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reseller = ResellerRefSerializer()
    status = serializers.CharField()
    accepted_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    customer_count = serializers.IntegerField(required=False)
    subscription_count = serializers.IntegerField(required=False)


class InvitationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField()
    status = serializers.CharField(source="effective_status")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    send_count = serializers.IntegerField()
    reseller = s.OrganizationRefSerializer(allow_null=True)


class InvitationDraftSerializer(InvitationSerializer):
    """A request as just created: its personalized link and the draft e-mail to send it
    with (Resend sends it from the portal)."""

    link = serializers.SerializerMethodField()
    subject = serializers.CharField()
    message = serializers.CharField()

    def get_link(self, invitation) -> str:
        return invitation_url(invitation)


class EndInput(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="true: you understand that the reseller loses access to these customers.")


class InvitationInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


# ------------------------------------------------------------------ partners


def _by_name(descending):
    return lambda: [(name_order("reseller__name").expression, descending)]


PARTNER_SORTS = {
    "name": _by_name(False),
    "-name": _by_name(True),
    "country": [(F("reseller__country"), False)],
    "-country": [(F("reseller__country"), True)],
    "accepted_at": [(F("accepted_at"), False)],
    "-accepted_at": [(F("accepted_at"), True)],
    "customer_count": [(F("customer_count"), False)],
    "-customer_count": [(F("customer_count"), True)],
    "subscription_count": [(F("subscription_count"), False)],
    "-subscription_count": [(F("subscription_count"), True)],
}


def _search(request):
    try:  # the list page's search field: its rules and messages
        return SEARCH.clean(request.query_params.get("q", ""))
    except DjangoValidationError as error:
        raise ValidationError({"q": error.messages}) from error


class PartnerList(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"GET": "partners.view"}

    @extend_schema(
        operation_id="partners_list", summary="Indirect resellers: the active partnerships",
        parameters=[OpenApiParameter("q", str, description="Search by name or partner id."),
                    OpenApiParameter("sort", str, enum=list(PARTNER_SORTS)), *PAGING],
        responses={200: s.page_of(PartnershipSerializer), **ERRORS})
    def get(self, request):
        provider = request._request.organization
        search = _search(request)
        # As on the page: the credited count per row only to sort by it.
        by_credited = "subscription_count" in request.query_params.get("sort", "")[:100]
        queryset = partnership_list(provider=provider, search=search,
                                    count_credited=by_credited)
        rows, cursor, _sort = keyset_page(request, queryset, PARTNER_SORTS, default="name")
        if not by_credited:
            counts = credited_subscription_counts(
                provider=provider, reseller_ids=[row.reseller_id for row in rows])
            for row in rows:
                row.subscription_count = counts.get(row.reseller_id, 0)
        return Response({"results": PartnershipSerializer(rows, many=True).data,
                         "next": cursor})


class PartnerEnd(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"POST": "partners.manage"}

    @extend_schema(operation_id="partners_end", request=EndInput,
                   summary="End partnership: the reseller loses access to its customers of "
                           "yours; they keep their subscriptions",
                   responses={200: PartnershipSerializer, **ERRORS})
    def post(self, request, partnership_id):
        provider = request._request.organization
        partnership = partnership_get(provider=provider, pk=partnership_id)
        data = request.data if isinstance(request.data, dict) else {}
        if data.get("confirm") is not True:  # the page's "I understand" box
            raise ValidationError({"confirm": [_(
                "Confirm that the reseller loses access to its customers of yours "
                "(\"confirm\": true).")]})
        partnership = partnership_end(partnership=partnership, actor=request.user,
                                      request=request._request)
        return Response(PartnershipSerializer(partnership).data)


# ------------------------------------------------------------------ partnership requests


class InvitationList(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"GET": "partners.view", "POST": "partners.manage"}

    @extend_schema(
        operation_id="partnership_invitations_list", summary="Partnership requests",
        parameters=[OpenApiParameter("q", str, description="Search by e-mail or name."),
                    OpenApiParameter("status", str, enum=["pending", "accepted", "declined",
                                                          "revoked", "expired"]), *PAGING],
        responses={200: s.page_of(InvitationSerializer), **ERRORS})
    def get(self, request):
        status = request.query_params.get("status", "")
        search = _search(request)
        queryset = invitation_list(provider=request._request.organization, search=search)
        if status and status not in queryset.model.Status.values:
            raise ValidationError({"status": [_("Choose a status from the list.")]})
        queryset = invitation_list(provider=request._request.organization, status=status,
                                   search=search)
        rows, cursor, _sort = keyset_page(
            request, queryset, {"-created_at": [(F("created_at"), True)]}, default="-created_at")
        return Response({"results": InvitationSerializer(rows, many=True).data,
                         "next": cursor})

    @extend_schema(operation_id="partnership_invitations_create", request=InvitationInput,
                   parameters=[IDEMPOTENCY],
                   responses={201: InvitationDraftSerializer, **CONFLICT, **ERRORS},
                   summary="Request partnership: returns the personalized link and the "
                           "draft e-mail")
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}

        def create(_key):
            invitation = invitation_create_data(
                provider=request._request.organization, data=data, created_by=request.user,
                request=request._request)
            return Response(InvitationDraftSerializer(invitation).data, status=201)

        return idempotent(request, create)


class InvitationResend(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"POST": "partners.manage"}

    @extend_schema(operation_id="partnership_invitations_resend", request=None,
                   summary="Send the request (the same message and link) again",
                   responses={200: InvitationSerializer, **ERRORS})
    def post(self, request, invitation_id):
        invitation = invitation_get(provider=request._request.organization, pk=invitation_id)
        invitation = invitation_resend(invitation=invitation, actor=request.user,
                                       request=request._request)
        return Response(InvitationSerializer(invitation).data)


class InvitationRevoke(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"POST": "partners.manage"}

    @extend_schema(operation_id="partnership_invitations_revoke", request=None,
                   summary="Withdraw a pending request: its link stops working",
                   responses={200: InvitationSerializer, **ERRORS})
    def post(self, request, invitation_id):
        invitation = invitation_get(provider=request._request.organization, pk=invitation_id)
        invitation = invitation_revoke(invitation=invitation, actor=request.user,
                                       request=request._request)
        return Response(InvitationSerializer(invitation).data)

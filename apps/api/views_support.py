"""/api/v1/support-requests/: the Support queue of a provider or reseller (the requests
it handles), one request with its thread, Reply and Change status, through the support
app's selectors and services as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.support.selectors import support_request_get, support_request_list, support_thread
from apps.support.services import support_reply_data, support_set_status_data

from . import serializers_support as s
from .idempotency import idempotent
from .serializers import ProblemSerializer, page_of
from .views import ERRORS, IDEMPOTENCY, PAGING, SEARCH, STAFF, _list_response

SUPPORT_SORTS = {
    "-updated_at": [(F("updated_at"), True)],
    "updated_at": [(F("updated_at"), False)],
    "-created_at": [(F("created_at"), True)],
    "created_at": [(F("created_at"), False)],
}
STATUSES = ["open", "in_progress", "resolved"]


def _detail(organization, pk):
    """One request as SupportRequestDetailSerializer describes it: the request and the
    thread the page shows."""
    support_request = support_request_get(organization=organization, pk=pk)
    thread = support_thread(support_request=support_request).select_related("moved_from")
    return {**s.SupportRequestSerializer(support_request).data,
            "messages": s.SupportMessageSerializer(thread, many=True).data}


class SupportRequestList(APIView):
    kinds = STAFF
    permissions = {"GET": "support.view"}

    @extend_schema(
        operation_id="support_requests_list",
        summary="Support requests you handle (as on the Support queue page)",
        parameters=[
            OpenApiParameter("q", str, description="Search by title or customer."),
            OpenApiParameter("status", str, enum=STATUSES),
            OpenApiParameter("sort", str, enum=list(SUPPORT_SORTS)), *PAGING],
        responses={200: page_of(s.SupportRequestSerializer), **ERRORS})
    def get(self, request):
        params = request.query_params
        errors = {}
        term = ""
        try:  # the customers' search rules: at most 100 characters, no NUL
            term = SEARCH.clean(params.get("q", "")).strip()
        except DjangoValidationError as error:
            errors["q"] = error.messages
        status = params.get("status", "")
        queryset = support_request_list(organization=request._request.organization,
                                        search=term)
        if status:
            if status not in queryset.model.Status.values:
                errors["status"] = [_("Choose a status from the list.")]
            else:
                queryset = queryset.filter(status=status)
        if errors:
            raise ValidationError(errors)
        return _list_response(request, queryset, s.SupportRequestSerializer, SUPPORT_SORTS,
                              "-updated_at")


class SupportRequestDetail(APIView):
    kinds = STAFF
    permissions = {"GET": "support.view"}

    @extend_schema(operation_id="support_requests_retrieve",
                   summary="One support request with its thread",
                   responses={200: s.SupportRequestDetailSerializer, **ERRORS})
    def get(self, request, request_id):
        return Response(_detail(request._request.organization, request_id))


class SupportReply(APIView):
    kinds = STAFF
    permissions = {"POST": "support.handle"}

    @extend_schema(operation_id="support_requests_reply", request=s.SupportReplyInput,
                   parameters=[IDEMPOTENCY],
                   responses={201: s.SupportRequestDetailSerializer,
                              (409, "application/problem+json"): ProblemSerializer,
                              **ERRORS},
                   summary="Reply (your first reply puts an open request in progress); "
                           "returns the request with its thread")
    def post(self, request, request_id):
        organization = request._request.organization
        support_request = support_request_get(organization=organization, pk=request_id)
        data = request.data if isinstance(request.data, dict) else {}

        def create(key):
            support_reply_data(support_request=support_request, user=request.user,
                               organization=organization, data=data, idempotency_key=key,
                               request=request._request)
            return Response(_detail(organization, request_id), status=201)

        return idempotent(request, create)


class SupportStatus(APIView):
    kinds = STAFF
    permissions = {"POST": "support.handle"}

    @extend_schema(operation_id="support_requests_status", request=s.SupportStatusInput,
                   responses={200: s.SupportRequestDetailSerializer, **ERRORS},
                   summary="Change the status; returns the request with its thread")
    def post(self, request, request_id):
        organization = request._request.organization
        support_request = support_request_get(organization=organization, pk=request_id)
        data = request.data if isinstance(request.data, dict) else {}
        support_set_status_data(support_request=support_request, user=request.user,
                                organization=organization, data=data,
                                request=request._request)
        return Response(_detail(organization, request_id))

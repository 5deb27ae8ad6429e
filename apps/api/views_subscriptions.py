"""/api/v1/customers/{id}/subscriptions/...: a customer's subscriptions, for its provider
and for its delegated reseller, as on the customer's Subscriptions and subscription pages:
Add subscription (a New subscription order), and each change of the subscription page
(licenses, upgrade, suspend, reactivate, auto-renew, designated support contact, reseller
of record). The forms' rules and messages are the pages' (customers.services
subscription_change_data); the changes are apps.subscriptions' services, with their locks,
idempotency and audit."""

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.customers.selectors import customer_get
from apps.customers.services import (
    customer_order_subscriptions_data,
    subscription_change_data,
)
from apps.organizations.roles import Kind
from apps.subscriptions import services
from apps.subscriptions.selectors import subscription_get, subscription_list_for_customer

from . import serializers as s
from .idempotency import idempotent
from .views import ERRORS, IDEMPOTENCY, PAGING, STAFF, _list_response

CONFLICT = {(409, "application/problem+json"): s.ProblemSerializer}

# ------------------------------------------------------------------ serializers


class OfferRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    customer_id = serializers.UUIDField()
    offer = OfferRefSerializer()
    quantity = serializers.IntegerField()
    status = serializers.CharField()
    auto_renew = serializers.BooleanField()
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    reseller_of_record = s.OrganizationRefSerializer(allow_null=True)
    support_contact = s.OrganizationRefSerializer(allow_null=True)
    replaced_by_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()


class NewSubscriptionInput(serializers.Serializer):
    """Add subscription. `reseller` (provider only): the reseller of record, a partnered
    reseller's id or null; a reseller asking is itself the reseller of record."""

    reseller = serializers.UUIDField(required=False, allow_null=True)
    subscriptions = s.SubscriptionLineInput(many=True)


class LicensesInput(serializers.Serializer):
    quantity = serializers.IntegerField()


class UpgradeInput(serializers.Serializer):
    offer = serializers.UUIDField(help_text="An offer on the subscription's upgrade path.")


class AutoRenewInput(serializers.Serializer):
    auto_renew = serializers.BooleanField()


class SupportContactInput(serializers.Serializer):
    support_contact = serializers.UUIDField(
        help_text="The provider itself or one of its partnered indirect resellers.")


class ResellerOfRecordInput(serializers.Serializer):
    reseller_of_record = serializers.UUIDField(
        allow_null=True, help_text="A partnered indirect reseller, or null for none.")


# ------------------------------------------------------------------ list, add, read

SUBSCRIPTION_SORTS = {
    "created_at": [(F("created_at"), False)],
    "-created_at": [(F("created_at"), True)],
}


def _body(request):
    return request.data if isinstance(request.data, dict) else {}


class SubscriptionList(APIView):
    kinds = STAFF
    permissions = {"GET": "subscriptions.view", "POST": "orders.submit"}

    @extend_schema(operation_id="subscriptions_list",
                   summary="A customer's subscriptions (its Subscriptions page)",
                   parameters=PAGING,
                   responses={200: s.page_of(SubscriptionSerializer), **ERRORS})
    def get(self, request, customer_id):
        customer = customer_get(organization=request._request.organization, pk=customer_id)
        return _list_response(request, subscription_list_for_customer(customer=customer),
                              SubscriptionSerializer, SUBSCRIPTION_SORTS, "created_at")

    @extend_schema(operation_id="subscriptions_create", request=NewSubscriptionInput,
                   parameters=[IDEMPOTENCY],
                   responses={201: s.OrderDetailSerializer, **CONFLICT, **ERRORS},
                   summary="Add subscription: a New subscription order, provisioned in the "
                           "background; returns the order")
    def post(self, request, customer_id):
        organization = request._request.organization
        customer = customer_get(organization=organization, pk=customer_id)
        data = _body(request)

        def create(key):
            order = customer_order_subscriptions_data(
                customer=customer, data=data, idempotency_key=key, submitted_by=request.user,
                acting_organization=organization, request=request._request)
            return Response(s.OrderDetailSerializer(order).data, status=201)

        return idempotent(request, create)


def _load(request, customer_id, subscription_id):
    customer = customer_get(organization=request._request.organization, pk=customer_id)
    return subscription_get(customer=customer, pk=subscription_id)


class SubscriptionDetail(APIView):
    kinds = STAFF
    permissions = {"GET": "subscriptions.view"}

    @extend_schema(operation_id="subscriptions_retrieve", summary="One subscription",
                   responses={200: SubscriptionSerializer, **ERRORS})
    def get(self, request, customer_id, subscription_id):
        subscription = _load(request, customer_id, subscription_id)
        return Response(SubscriptionSerializer(subscription).data)


# ------------------------------------------------------------------ changes


def _acting(request):
    return {"actor": request.user, "organization": request._request.organization,
            "request": request._request}


# change → (who: kinds, permission; the input; the service call with the form's data).
# Who may make each change is the subscription page's rule (customers.subscription_views).
CHANGES = {
    "licenses": (STAFF, "orders.submit", LicensesInput,
                 lambda sub, data, acting: services.subscription_change_quantity(
                     subscription=sub, quantity=data["quantity"],
                     idempotency_key=data["idempotency_key"], **acting),
                 "Change licenses (more any time; fewer only within the window)"),
    "upgrade": ((Kind.PROVIDER,), "orders.submit", UpgradeInput,
                lambda sub, data, acting: services.subscription_upgrade(
                    subscription=sub, offer=data["offer"],
                    idempotency_key=data["idempotency_key"], **acting),
                "Upgrade: returns the new subscription that replaces this one"),
    "suspend": ((Kind.PROVIDER,), "orders.submit", None,
                lambda sub, data, acting: services.subscription_suspend(
                    subscription=sub, idempotency_key=data["idempotency_key"], **acting),
                "Suspend an active subscription"),
    "reactivate": ((Kind.PROVIDER,), "orders.submit", None,
                   lambda sub, data, acting: services.subscription_reactivate(
                       subscription=sub, idempotency_key=data["idempotency_key"], **acting),
                   "Reactivate a suspended subscription"),
    "auto_renew": (STAFF, "orders.submit", AutoRenewInput,
                   lambda sub, data, acting: services.subscription_set_auto_renew(
                       subscription=sub, auto_renew=data["auto_renew"],
                       idempotency_key=data["idempotency_key"], **acting),
                   "Turn auto-renew on or off"),
    "support_contact": ((Kind.PROVIDER,), "customers.manage", SupportContactInput,
                        lambda sub, data, acting: services.subscription_set_support_contact(
                            subscription=sub, contact=data["support_contact"], **acting),
                        "Set the designated support contact"),
    "reseller_of_record": ((Kind.PROVIDER,), "customers.manage", ResellerOfRecordInput,
                           lambda sub, data, acting:
                           services.subscription_set_reseller_of_record(
                               subscription=sub, reseller=data["reseller_of_record"],
                               **acting),
                           "Set the reseller of record (or none)"),
}


def _change_view(change):
    kinds, permission, body, call, summary = CHANGES[change]

    @extend_schema(operation_id=f"subscriptions_{change}", request=body, summary=summary,
                   parameters=[IDEMPOTENCY],
                   responses={200: SubscriptionSerializer, **CONFLICT, **ERRORS})
    def post(self, request, customer_id, subscription_id):
        subscription = _load(request, customer_id, subscription_id)
        data = _body(request)

        def change_once(key):
            cleaned = subscription_change_data(change=change, subscription=subscription,
                                               data=data, idempotency_key=key)
            changed = call(subscription, cleaned, _acting(request))
            return Response(SubscriptionSerializer(changed).data)

        return idempotent(request, change_once)

    name = "".join(part.capitalize() for part in change.split("_"))
    return type(f"Subscription{name}", (APIView,), {
        "kinds": kinds, "permissions": {"POST": permission}, "post": post,
        "__doc__": summary})


CHANGE_VIEWS = {change: _change_view(change) for change in CHANGES}

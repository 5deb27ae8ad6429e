"""Support reads: a customer sees the requests it opened; a provider or reseller its queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404

from apps.customers.selectors import customer_for_organization
from apps.organizations.roles import Kind

from .models import SupportMessage, SupportRequest

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription


def _scope(organization: Organization) -> QuerySet[SupportRequest]:
    if organization.kind == Kind.CUSTOMER:
        return SupportRequest.objects.filter(customer=organization)
    return SupportRequest.objects.filter(handled_by=organization)


def support_request_list(*, organization: Organization, status: str = "",
                         search: str = "") -> QuerySet[SupportRequest]:
    qs = _scope(organization).select_related("customer", "handled_by", "subscription__offer",
                                             "opened_by")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(customer__name__icontains=search))
    return qs.order_by("-updated_at")


# The support list's columns, as plain values (no model instances).
SUPPORT_ROW_FIELDS = ("pk", "title", "customer_name", "handled_by_name", "offer_name",
                      "severity", "status", "updated_at")


def support_request_rows(*, organization: Organization, status: str = "",
                         search: str = "") -> QuerySet[SupportRequest, dict[str, Any]]:
    """`support_request_list` as the support list shows it: dicts of `SUPPORT_ROW_FIELDS`,
    last update first, read with the list's columns only."""
    # The two required relations by per-row subqueries, not joins: a join to a required
    # relation would stay in the page's count.
    same = SupportRequest.objects.filter(pk=OuterRef("pk"))
    rows: QuerySet[SupportRequest, dict[str, Any]] = (
        support_request_list(organization=organization, status=status, search=search)
        .select_related(None)
        .annotate(customer_name=Subquery(same.values("customer__name")[:1]),
                  handled_by_name=Subquery(same.values("handled_by__name")[:1]),
                  offer_name=F("subscription__offer__name"))
        .values(*SUPPORT_ROW_FIELDS))
    return rows


def support_request_get(*, organization: Organization, pk: UUID) -> SupportRequest:
    return get_object_or_404(
        _scope(organization).select_related("customer", "handled_by", "subscription__offer",
                                            "opened_by"), pk=pk)


def support_thread(*, support_request: SupportRequest) -> QuerySet[SupportMessage]:
    return (SupportMessage.objects.filter(request=support_request)
            .select_related("author", "author_organization").order_by("created_at"))


def support_routing(*, customer_organization: Organization,
                    subscription: Subscription | None = None) -> Organization:
    """Who handles a request: the subscription's designated support contact, or the provider
    when it has none; a request about no subscription goes to the customer's delegated
    reseller, or the provider."""
    customer = customer_for_organization(organization=customer_organization)
    if subscription is not None:
        return subscription.support_contact or customer.provider
    return customer.reseller or customer.provider

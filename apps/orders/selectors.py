"""Order reads, scoped to the provider asking (or to a customer its caller has scoped)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.catalog.selectors import offer_list_orderable

from .models import CredentialHandover, Order, OrderLine
from .pricing import PricedLine, order_totals, price_lines

if TYPE_CHECKING:
    from decimal import Decimal
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.accounts.models import User
    from apps.catalog.models import Offer
    from apps.organizations.models import Organization

    # customers.Customer: customers sits above orders, which cannot name it.
    Customer: TypeAlias = Any


def orderable_offers() -> QuerySet[Offer]:
    """The active offers, the only ones that can be ordered."""
    return offer_list_orderable()


def order_preview(
        lines: Iterable[tuple[Offer, int]]) -> tuple[list[PricedLine], list[tuple[str, Decimal]]]:
    """(priced lines, totals per currency) for (offer, licenses) pairs at the catalog's
    current prices: the Review step, before an order exists."""
    priced = price_lines(lines)
    return priced, order_totals(priced)


def order_list(*, provider: Organization) -> QuerySet[Order]:
    # A correlated count (not a join with GROUP BY): computed for the page's rows only.
    lines = (OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
             .annotate(n=Count("pk")).values("n")[:1])
    return (Order.objects.filter(provider=provider)
            .select_related("customer__organization", "reseller", "submitted_by")
            .annotate(line_count=Coalesce(Subquery(lines, output_field=IntegerField()),
                                          Value(0)))
            .order_by("-submitted_at", "pk"))


# The Orders page's columns, as plain values (no model instances): what each row shows.
ORDER_ROW_FIELDS = ("pk", "submitted_at", "kind", "status", "error", "customer_id",
                    "customer_name", "reseller_id", "reseller_name", "submitted_by_email",
                    "line_count")


def order_rows(*, provider: Organization) -> QuerySet[Order, dict[str, Any]]:
    """The provider's orders as the Orders page shows them, newest first: dicts of
    `ORDER_ROW_FIELDS`, read with the page's columns only (the customer's own name, no join
    to its organization) and each order's line count computed for the page's rows only.
    Its count reads the orders alone (the optional relations are outer joins PostgreSQL
    leaves out)."""
    lines = (OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
             .annotate(n=Count("pk")).values("n")[:1])
    # The customer's name by a per-row subquery, not a join: a join to a required relation
    # stays in the page's count (44 ms at 20,000 orders instead of 2 ms for the bare count).
    customer_name = Order.objects.filter(pk=OuterRef("pk")).values("customer__name")[:1]
    rows: QuerySet[Order, dict[str, Any]] = (
        Order.objects.filter(provider=provider)
        .annotate(customer_name=Subquery(customer_name), reseller_name=F("reseller__name"),
                  submitted_by_email=F("submitted_by__email"),
                  line_count=Coalesce(Subquery(lines, output_field=IntegerField()), Value(0)))
        .values(*ORDER_ROW_FIELDS)
        .order_by("-submitted_at", "pk"))
    return rows


def order_get(*, provider: Organization, pk: UUID) -> Order:
    lines = (OrderLine.objects.select_related("offer", "subscription", "previous_offer")
             .order_by("offer__name"))
    return get_object_or_404(
        Order.objects.filter(provider=provider)
        .select_related("customer__organization", "reseller", "submitted_by")
        .prefetch_related(Prefetch("lines", queryset=lines)),
        pk=pk)


def order_for_key(*, provider: Organization, idempotency_key: UUID, user: User,
                  customer: Customer | None = None) -> Order | None:
    """The order a user already submitted with this key (for this customer), if any."""
    orders = Order.objects.filter(provider=provider, idempotency_key=idempotency_key,
                                  submitted_by=user)
    if customer is not None:
        orders = orders.filter(customer=customer)
    return orders.first()


def order_notices(*, customer: Customer) -> QuerySet[Order]:
    """The customer's purchase orders still being provisioned, or failed: its Subscriptions
    page says so (and refreshes itself while one is pending)."""
    return (Order.objects.filter(customer=customer,
                                 status__in=[Order.Status.SUBMITTED, Order.Status.PROVISIONING,
                                             Order.Status.FAILED])
            .exclude(kind=Order.Kind.CHANGE).order_by("-submitted_at")[:5])


def order_claimed_unlocked(*, order_id: UUID | str, token: UUID) -> Order | None:
    """The order claimed with `token`, read without a lock (outside any transaction), with
    its customer: what a provisioning run prepares before its transaction. None when
    another run took it over."""
    return (Order.objects.select_related("customer")
            .filter(pk=order_id, status=Order.Status.PROVISIONING, claim_token=token).first())


def order_lines_unprovisioned(*, order: Order) -> QuerySet[OrderLine]:
    """The purchase lines of an order that no subscription was made of yet."""
    return (order.lines.select_related("offer", "reseller_of_record")
            .filter(subscription__isnull=True))


def order_stuck_ids(*, now: datetime | None = None, limit: int = 200) -> list[UUID]:
    """Orders nobody is working on, oldest first: left submitted longer than
    PORTAL_ORDER_STUCK_SECONDS, or claimed by a run longer ago than the lease."""
    now = now or timezone.now()
    waiting = now - timedelta(seconds=settings.PORTAL_ORDER_STUCK_SECONDS)
    stale = now - timedelta(seconds=settings.PORTAL_ORDER_LEASE_SECONDS)
    return list(Order.objects
                .filter(Q(status=Order.Status.SUBMITTED, updated_at__lt=waiting)
                        | Q(status=Order.Status.PROVISIONING, claimed_at__lt=stale))
                .order_by("submitted_at").values_list("pk", flat=True)[:limit])


def handover_for_account(*, organization: Organization, pk: UUID) -> CredentialHandover:
    """A customer user's credential handover (Users page), of this customer organization;
    else 404."""
    return get_object_or_404(CredentialHandover.objects.filter(organization=organization,
                                                               order__isnull=True), pk=pk)


def handover_for_key(*, organization: Organization, idempotency_key: UUID,
                     for_user: User) -> CredentialHandover | None:
    """The handover a user already asked for with this key (a form sent twice), if any."""
    return CredentialHandover.objects.filter(organization=organization,
                                             idempotency_key=idempotency_key,
                                             for_user=for_user).first()


def order_lines_took_effect(*, order_ids: Iterable[UUID | str]) -> QuerySet[OrderLine]:
    """The lines of the orders (among `order_ids`) whose lines took effect (completed),
    with what billing needs to charge them: the order, its offer, its subscription and the
    subscription's customer (an upgrade: and the one it replaced, with its offer). A chunk
    of renewals reads 500 lines: nothing more is joined."""
    return (OrderLine.objects.filter(order_id__in=list(order_ids),
                                     order__status=Order.Status.COMPLETED)
            .select_related("order", "offer", "subscription__customer",
                            "subscription__replaces__offer"))


def order_line_facts(*, order_id: UUID | str | None = None,
                     order_ids: Iterable[UUID | str] | None = None) -> QuerySet[OrderLine]:
    """The lines that took effect (of completed orders; of `order_id` or `order_ids` only,
    when given), for figures kept elsewhere (apps.analytics): one row per line with its
    order's provider, kind and completion time. Values in this order: order id, provider
    id, reseller of record id, offer id, previous offer id, action, licenses, licenses
    before, order kind, completed at."""
    lines = OrderLine.objects.filter(order__status=Order.Status.COMPLETED,
                                     order__completed_at__isnull=False)
    if order_id is not None:
        lines = lines.filter(order_id=order_id)
    if order_ids is not None:
        lines = lines.filter(order_id__in=list(order_ids))
    return lines.order_by().values_list(  # type: ignore[return-value]  # a values_list query
        "order_id", "order__provider_id", "reseller_of_record_id", "offer_id",
        "previous_offer_id", "action", "quantity", "previous_quantity", "order__kind",
        "order__completed_at")

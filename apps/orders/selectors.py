"""Order reads, scoped to the provider asking (or to a customer its caller has scoped)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.catalog.selectors import offer_list_orderable

from .models import Order, OrderLine
from .pricing import order_totals, price_lines


def orderable_offers():
    """The active offers, the only ones that can be ordered."""
    return offer_list_orderable()


def order_preview(lines):
    """(priced lines, totals per currency) for (offer, licenses) pairs at the catalog's
    current prices: the Review step, before an order exists."""
    priced = price_lines(lines)
    return priced, order_totals(priced)


def order_list(*, provider):
    # A correlated count (not a join with GROUP BY): computed for the page's rows only.
    lines = (OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
             .annotate(n=Count("pk")).values("n")[:1])
    return (Order.objects.filter(provider=provider)
            .select_related("customer__organization", "reseller", "submitted_by")
            .annotate(line_count=Coalesce(Subquery(lines, output_field=IntegerField()),
                                          Value(0)))
            .order_by("-submitted_at", "pk"))


def order_get(*, provider, pk):
    lines = (OrderLine.objects.select_related("offer", "subscription", "previous_offer")
             .order_by("offer__name"))
    return get_object_or_404(
        Order.objects.filter(provider=provider)
        .select_related("customer__organization", "reseller", "submitted_by")
        .prefetch_related(Prefetch("lines", queryset=lines)),
        pk=pk)


def order_for_key(*, provider, idempotency_key, user, customer=None):
    """The order a user already submitted with this key (for this customer), if any."""
    orders = Order.objects.filter(provider=provider, idempotency_key=idempotency_key,
                                  submitted_by=user)
    if customer is not None:
        orders = orders.filter(customer=customer)
    return orders.first()


def order_notices(*, customer):
    """The customer's purchase orders still being provisioned, or failed: its Subscriptions
    page says so (and refreshes itself while one is pending)."""
    return (Order.objects.filter(customer=customer,
                                 status__in=[Order.Status.SUBMITTED, Order.Status.PROVISIONING,
                                             Order.Status.FAILED])
            .exclude(kind=Order.Kind.CHANGE).order_by("-submitted_at")[:5])


def order_lines_unprovisioned(*, order):
    """The purchase lines of an order that no subscription was made of yet."""
    return (order.lines.select_related("offer", "reseller_of_record")
            .filter(subscription__isnull=True))


def order_stuck_ids(*, now=None, limit=200):
    """Orders nobody is working on, oldest first: left submitted longer than
    PORTAL_ORDER_STUCK_SECONDS, or claimed by a run longer ago than the lease."""
    now = now or timezone.now()
    waiting = now - timedelta(seconds=settings.PORTAL_ORDER_STUCK_SECONDS)
    stale = now - timedelta(seconds=settings.PORTAL_ORDER_LEASE_SECONDS)
    return list(Order.objects
                .filter(Q(status=Order.Status.SUBMITTED, updated_at__lt=waiting)
                        | Q(status=Order.Status.PROVISIONING, claimed_at__lt=stale))
                .order_by("submitted_at").values_list("pk", flat=True)[:limit])

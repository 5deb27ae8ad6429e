"""Order reads, scoped to the provider asking."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from apps.catalog.models import Offer

from .models import Order, OrderLine


def orderable_offers():
    """The active offers, the only ones that can be ordered."""
    return Offer.objects.filter(is_active=True).order_by("name")


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

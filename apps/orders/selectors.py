"""Order reads, scoped to the provider asking."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from apps.catalog.models import Offer

from .models import Order, OrderLine


def orderable_offers():
    """The active offers, the only ones that can be ordered."""
    return Offer.objects.filter(is_active=True).order_by("name")


def order_list(*, provider):
    return (Order.objects.filter(provider=provider)
            .select_related("customer__organization", "reseller", "submitted_by")
            .annotate(line_count=Count("lines"))
            .order_by("-submitted_at"))


def order_get(*, provider, pk):
    lines = OrderLine.objects.select_related("offer", "subscription").order_by("offer__name")
    return get_object_or_404(
        Order.objects.filter(provider=provider)
        .select_related("customer__organization", "reseller", "submitted_by")
        .prefetch_related(Prefetch("lines", queryset=lines)),
        pk=pk)


def order_for_key(*, provider, idempotency_key, user):
    """The order a user already submitted with this key, if any."""
    return (Order.objects.filter(provider=provider, idempotency_key=idempotency_key,
                                 submitted_by=user).first())

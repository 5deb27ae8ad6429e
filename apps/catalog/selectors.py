"""Catalog reads."""

from .models import Offer


def offer_list_orderable():
    """The active offers, the only ones that can be ordered, by name."""
    return Offer.objects.filter(is_active=True).order_by("name")

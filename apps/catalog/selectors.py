"""Catalog reads."""

from .models import Offer


def offers_active(*, ids):
    """The active offers among `ids`, by id (read inside the caller's transaction)."""
    return {offer.pk: offer for offer in Offer.objects.filter(pk__in=ids, is_active=True)}


def offer_upgrade_target(*, offer_id, from_offer):
    """The active offer `offer_id` when it is on `from_offer`'s upgrade path, else None."""
    return Offer.objects.filter(pk=offer_id, is_active=True, upgrades_from=from_offer).first()


def offer_list_orderable():
    """The active offers, the only ones that can be ordered, by name."""
    return Offer.objects.filter(is_active=True).order_by("name")

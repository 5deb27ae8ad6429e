"""Catalog reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef

from .models import Offer

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet


def offers_active(*, ids: Iterable[UUID]) -> dict[UUID, Offer]:
    """The active offers among `ids`, by id (read inside the caller's transaction)."""
    return {offer.pk: offer for offer in Offer.objects.filter(pk__in=ids, is_active=True)}


def offer_upgrade_target(*, offer_id: UUID | None, from_offer: Offer) -> Offer | None:
    """The active offer `offer_id` when it is on `from_offer`'s upgrade path, else None."""
    if offer_id is None:
        return None
    return Offer.objects.filter(pk=offer_id, is_active=True, upgrades_from=from_offer).first()


def offer_list_orderable() -> QuerySet[Offer]:
    """The active offers, the only ones that can be ordered, by name."""
    return Offer.objects.filter(is_active=True).order_by("name")


def offer_get(*, pk: UUID) -> Offer:
    """An offer, retired or not (a subscription of a retired offer is still billed)."""
    return Offer.objects.get(pk=pk)


def offer_column(name: str) -> QuerySet[Offer, dict[str, Any]]:
    """One column of the offer the outer query's `offer` names, for a Subquery (a list
    grouped by offer reads each group's currency or price without joining every row)."""
    column: QuerySet[Offer, dict[str, Any]] = (Offer.objects.filter(pk=OuterRef("offer"))
                                                .order_by().values(name))
    return column

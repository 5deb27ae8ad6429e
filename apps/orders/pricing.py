"""Line and order totals, for the Review step (before an order exists) and for orders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from apps.catalog.models import Offer


class Priced(Protocol):
    """A priced line or an order's line: what a total is made of."""

    @property
    def currency(self) -> str: ...

    @property
    def total(self) -> Decimal: ...


@dataclass(frozen=True)
class PricedLine:
    offer: Offer
    quantity: int
    unit_price: Decimal
    currency: str

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


def price_lines(pairs: Iterable[tuple[Offer, int]]) -> list[PricedLine]:
    """PricedLines for (offer, licenses) pairs at the catalog's current prices."""
    return [PricedLine(offer, quantity, offer.unit_price, offer.currency)
            for offer, quantity in pairs]


def order_totals(lines: Iterable[Priced]) -> list[tuple[str, Decimal]]:
    """[(currency, total)]: one total per currency, in order of appearance."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, Decimal("0")) + line.total
    return list(totals.items())

"""Line and order totals, for the Review step (before an order exists) and for orders."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PricedLine:
    offer: object
    quantity: int
    unit_price: Decimal
    currency: str

    @property
    def total(self):
        return self.unit_price * self.quantity


def price_lines(pairs):
    """PricedLines for (offer, licenses) pairs at the catalog's current prices."""
    return [PricedLine(offer, quantity, offer.unit_price, offer.currency)
            for offer, quantity in pairs]


def order_totals(lines):
    """[(currency, total)]: one total per currency, in order of appearance."""
    totals = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, Decimal("0")) + line.total
    return list(totals.items())

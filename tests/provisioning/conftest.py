"""Orders submitted as the New customer wizard's Submit makes them (tests/orders' fixture)."""

from tests.orders.conftest import submit, wizard  # noqa: F401  (fixtures)

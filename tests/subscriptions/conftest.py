"""Adatum's subscription to change, its page's URLs, and a reseller that is no one's partner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def stranger_reseller(db):
    """An approved reseller that is not Contoso's partner."""
    return factories.ResellerFactory(name="Litware Resale", slug="litware-resale")


def day(n):
    """The term start that makes today the n-th day since the purchase (day 1 = that day)."""
    return timezone.localdate() - timedelta(days=n - 1)


@pytest.fixture
def subscription(customer, offers, reseller, provider):
    """Adatum's Business Basic, 5 licenses, bought yesterday (today is day 2)."""
    return factories.SubscriptionFactory(
        customer=customer, offer=offers["basic"], quantity=5, reseller_of_record=reseller,
        support_contact=provider, term_start=day(2),
        term_end=day(2) + timedelta(days=365))


@pytest.fixture
def url(provider, customer, subscription):
    def _url(action="", sub=None, slug="contoso"):
        sub = sub or subscription
        base = f"/o/{slug}/customers/{sub.customer_id}/subscriptions/{sub.pk}/"
        return f"{base}{action}/" if action else base
    return _url


@pytest.fixture
def key():
    import uuid

    return lambda: str(uuid.uuid4())

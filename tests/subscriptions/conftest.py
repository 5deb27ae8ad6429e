"""Offers with an upgrade path, a partnered Fabrikam, and Adatum's subscription to change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.organizations.roles import Role
from tests import factories


@pytest.fixture
def offers(db):
    premium = factories.OfferFactory(code="premium", name="Business Premium", unit_price="22.00",
                                     min_licenses=1, max_licenses=25)
    standard = factories.OfferFactory(code="standard", name="Business Standard",
                                      unit_price="12.50", min_licenses=1, max_licenses=300)
    basic = factories.OfferFactory(code="basic", name="Business Basic", unit_price="6.00",
                                   min_licenses=1, max_licenses=300)
    basic.upgrades_to.set([standard])
    standard.upgrades_to.set([premium])
    return {"basic": basic, "standard": standard, "premium": premium}


@pytest.fixture
def fabrikam(provider):
    """Fabrikam, partnered with Contoso (unlike in the demo data)."""
    org = factories.ResellerFactory(name="Fabrikam Solutions", slug="fabrikam")
    factories.PartnershipFactory(provider=provider, reseller=org)
    return org


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
def admin_client(client, provider_admin):
    client.force_login(provider_admin)
    return client


@pytest.fixture
def key():
    import uuid

    return lambda: str(uuid.uuid4())


@pytest.fixture
def reseller_sales(reseller):
    return factories.member(reseller, Role.SALES, email="sales@northwind.test")

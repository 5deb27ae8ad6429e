"""Fixtures for partnership requests: a provider admin's request and its personalized link."""

import pytest

from apps.organizations.roles import Role
from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_link
from tests import factories


@pytest.fixture
def fabrikam(db):
    """An approved reseller, not partnered, with its admin."""
    org = factories.ResellerFactory(name="Fabrikam Solutions", slug="fabrikam")
    factories.member(org, Role.ADMIN, email="reseller@fabrikam.test")
    return org


@pytest.fixture
def fabrikam_admin(fabrikam):
    return fabrikam.memberships.get().user


@pytest.fixture
def invitation(provider, provider_admin):
    return invitation_create(provider=provider, email="reseller@fabrikam.test",
                             name="Frida", created_by=provider_admin)


@pytest.fixture
def link_path(invitation):
    return invitation_link(invitation).split("127.0.0.1:8000", 1)[1]

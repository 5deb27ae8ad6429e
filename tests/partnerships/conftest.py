"""Fixtures for partnership requests: a provider admin's request and its personalized link."""

import pytest

from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_link


@pytest.fixture
def invitation(provider, provider_admin):
    """Contoso's admin invites Fabrikam's admin (reseller@fabrikam.test) to partner."""
    return invitation_create(provider=provider, email="reseller@fabrikam.test",
                             name="Frida", created_by=provider_admin)


@pytest.fixture
def link_path(invitation):
    """The path of the invitation's personalized link."""
    return invitation_link(invitation).split("127.0.0.1:8000", 1)[1]

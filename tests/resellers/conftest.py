"""Fixtures for partnership requests: a provider admin's request and its personalized link."""

import pytest

from apps.organizations.roles import Role
from apps.resellers.services import invitation_create
from apps.resellers.tokens import invitation_link
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


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a request queued on commit (e-mail tasks), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)

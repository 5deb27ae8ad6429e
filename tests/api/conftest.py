"""API keys for the named world, and a client that sends one."""

import pytest
from rest_framework.test import APIClient

from apps.api.services import api_key_create
from apps.organizations.models import Membership


def make_key(user, organization, role=None, **kwargs):
    """A key created by `user` (a member of `organization`) on the API keys page's service;
    returns (ApiKey, secret)."""
    membership = Membership.objects.select_related("organization", "user").get(
        user=user, organization=organization)
    return api_key_create(membership=membership, name=kwargs.pop("name", "CRM sync"),
                          role=role or membership.role, **kwargs)


@pytest.fixture
def api():
    """`api(secret)`: a DRF test client sending `Authorization: Bearer <secret>`."""
    def _client(secret=None):
        client = APIClient()
        if secret:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client
    return _client


@pytest.fixture
def contoso_key(contoso_admin, contoso):
    return make_key(contoso_admin, contoso)[1]


@pytest.fixture
def northwind_key(northwind_admin, northwind):
    return make_key(northwind_admin, northwind)[1]

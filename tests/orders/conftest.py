"""Orders made through the service, as Submit makes them."""

import uuid

import pytest

from apps.customers.services import customer_submit
from tests.customers.conftest import DETAILS, wizard  # noqa: F401  (a fixture)


@pytest.fixture
def submit(provider, provider_admin, reseller, offers, django_capture_on_commit_callbacks):
    """Submit a new customer's order; `execute=False` leaves the provisioning task unrun."""

    def _submit(*, execute=True, prefix="margiestravel", reseller=reseller, user=provider_admin):
        with django_capture_on_commit_callbacks(execute=execute):
            return customer_submit(
                provider=provider, reseller=reseller,
                customer_details={**DETAILS, "domain_prefix": prefix},
                lines=[(offers["basic"], 5), (offers["standard"], 10)],
                idempotency_key=uuid.uuid4(), submitted_by=user)

    return _submit

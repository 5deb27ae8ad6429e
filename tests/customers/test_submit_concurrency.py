"""Two Submits with the same key at the same moment (a double click): one order."""

import uuid
from unittest import mock

import pytest
from django.db import connection

from apps.customers.models import Customer
from apps.customers.services import customer_submit
from apps.orders.models import Order
from apps.provisioning.tasks import provision_order
from tests.concurrency import at_once
from tests.customers.conftest import DETAILS

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL")


def test_concurrent_submits_with_one_key_make_one_order(transactional_db, provider,
                                                        provider_admin, reseller, offers):
    key = uuid.uuid4()

    def submit():
        return customer_submit(
            provider=provider, reseller=reseller, customer_details=DETAILS,
            lines=[(offers["basic"], 5)], idempotency_key=key, submitted_by=provider_admin).pk

    with mock.patch.object(provision_order, "apply_async") as queued:
        results, errors = at_once(submit, times=4, timeout=10)
    assert not errors, errors
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    assert queued.call_count == 1

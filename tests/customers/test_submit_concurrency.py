"""Two Submits with the same key at the same moment (a double click): one order."""

import threading
import uuid
from unittest import mock

import pytest
from django.db import connection, connections

from apps.customers.models import Customer
from apps.customers.services import customer_submit
from apps.orders.models import Order
from apps.provisioning.tasks import provision_order
from tests.customers.conftest import DETAILS

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL")


def test_concurrent_submits_with_one_key_make_one_order(transactional_db, provider,
                                                        provider_admin, reseller, offers):
    key = uuid.uuid4()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            order = customer_submit(
                provider=provider, reseller=reseller, customer_details=DETAILS,
                lines=[(offers["basic"], 5)], idempotency_key=key, submitted_by=provider_admin)
            results.append(order.pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    with mock.patch.object(provision_order, "apply_async") as queued:
        threads = [threading.Thread(target=submit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    assert queued.call_count == 1

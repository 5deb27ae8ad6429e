"""A real Celery worker (Redis broker) provisions a submitted order end to end."""

import time
import uuid

import pytest
from django.conf import settings

from apps.customers.models import Customer
from apps.customers.services import customer_submit
from apps.orders.models import CredentialHandover, Order
from apps.subscriptions.models import Subscription
from tests.customers.conftest import DETAILS
from tests.worker import wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.REDIS_URL,
                       reason="needs Redis (REDIS_URL); make test provides it"),
]


def test_the_worker_provisions_a_new_customer(celery_worker, provider, provider_admin, reseller,
                                              offers):
    order = customer_submit(
        provider=provider, reseller=reseller, customer_details=DETAILS,
        lines=[(offers["basic"], 5), (offers["standard"], 10)], idempotency_key=uuid.uuid4(),
        submitted_by=provider_admin)
    # Submit committed (no surrounding transaction here), so the task went to Redis.
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED), (
        Order.objects.get(pk=order.pk).status)
    customer = Customer.objects.get(pk=order.customer_id)
    assert customer.status == Customer.Status.ACTIVE
    assert customer.reseller == reseller
    assert Subscription.objects.filter(customer=customer).count() == 2
    assert CredentialHandover.objects.get(order=order).secret


def test_a_duplicate_delivery_through_the_worker_creates_nothing_twice(celery_worker, provider,
                                                                       provider_admin, offers):
    from apps.provisioning.tasks import provision_order

    order = customer_submit(
        provider=provider, reseller=None, customer_details=DETAILS,
        lines=[(offers["basic"], 5)], idempotency_key=uuid.uuid4(), submitted_by=provider_admin)
    provision_order.delay(str(order.pk))
    provision_order.delay(str(order.pk))
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED)
    time.sleep(1)  # let the duplicates run
    assert Subscription.objects.filter(customer_id=order.customer_id).count() == 1
    assert CredentialHandover.objects.filter(order=order).count() == 1


def test_the_worker_provisions_new_subscriptions(celery_worker, provider, provider_admin,
                                                 reseller, customer, offers):
    from apps.customers.services import customer_order_subscriptions

    order = customer_order_subscriptions(
        provider=provider, customer=customer, reseller=reseller,
        lines=[(offers["basic"], 3)], idempotency_key=uuid.uuid4(), submitted_by=provider_admin)
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED), (
        Order.objects.get(pk=order.pk).status)
    subscription = Subscription.objects.get(customer=customer)
    assert subscription.quantity == 3
    assert subscription.reseller_of_record == reseller
    assert not CredentialHandover.objects.filter(order=order).exists()

"""Delegation follows the partnership: an order submitted for a reseller whose partnership
ends before provisioning makes the customer without it, and says why."""

import threading
import uuid
from unittest import mock

import pytest
from django.db import connection, connections
from django.utils.html import escape

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.customers.services import customer_order_subscriptions, customer_submit
from apps.errors import DomainError
from apps.orders.models import Order, OrderLine
from apps.partnerships.models import Partnership
from apps.partnerships.services import partnership_end
from apps.provisioning import services
from apps.provisioning.tasks import provision_order
from apps.subscriptions.models import Subscription
from tests import factories
from tests.customers.conftest import DETAILS


def end_partnership(client, provider_admin, provider, reseller):
    partnership = Partnership.objects.get(provider=provider, reseller=reseller, status="active")
    client.force_login(provider_admin)
    response = client.post(f"/o/contoso/resellers/partnerships/{partnership.pk}/end/",
                           {"confirm": "on"})
    assert response.status_code == 302


def test_partnership_ended_before_provisioning_leaves_the_reseller_out(
        client, submit, provider, provider_admin, reseller, reseller_admin):
    order = submit(execute=False)  # the worker has not run yet
    assert order.customer.reseller == reseller
    end_partnership(client, provider_admin, provider, reseller)

    assert services.order_provision(order_id=str(order.pk)) == "completed"
    order.refresh_from_db()
    customer = Customer.objects.get(pk=order.customer_id)
    assert order.status == Order.Status.COMPLETED
    assert customer.status == Customer.Status.ACTIVE
    assert customer.reseller is None
    subscriptions = Subscription.objects.filter(customer=customer)
    assert subscriptions.count() == 2
    assert not subscriptions.filter(reseller_of_record__isnull=False).exists()
    assert not OrderLine.objects.filter(order=order, reseller_of_record__isnull=False).exists()
    # Why, on the order and in the provider's audit log.
    assert order.reseller_dropped == Order.ResellerDropped.PARTNERSHIP_ENDED
    assert order.reseller == reseller  # what was submitted stays on the record
    event = AuditEvent.objects.get(organization=provider, action="order.reseller_dropped")
    assert event.data["reason"] == "partnership_ended"
    assert event.data["reseller"] == "Northwind Traders"
    assert not AuditEvent.objects.filter(organization=reseller,
                                         action="customer.delegated").exists()

    # The submitter reads it on the Confirmation page.
    page = client.get(f"/o/contoso/orders/{order.pk}/confirmation/").content.decode()
    assert (f"{escape(customer.organization.name)} was created without Northwind Traders, "
            "because your partnership with Northwind Traders ended before the order was "
            "provisioned") in page
    # Northwind has no access to the customer.
    client.force_login(reseller_admin)
    assert client.get(f"/o/northwind/customers/{customer.pk}/").status_code == 404
    assert customer.organization.name not in client.get("/o/northwind/customers/").content.decode()


def test_a_partnership_that_goes_on_still_delegates(submit, reseller):
    order = submit()
    order.refresh_from_db()
    assert order.reseller_dropped == ""
    assert Customer.objects.get(pk=order.customer_id).reseller == reseller


def test_add_subscription_after_the_partnership_ended_credits_no_one(
        client, customer, provider, provider_admin, reseller, offers,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        order = customer_order_subscriptions(
            provider=provider, customer=customer, reseller=reseller,
            lines=[(offers["standard"], 3)], idempotency_key=uuid.uuid4(),
            submitted_by=provider_admin)
    end_partnership(client, provider_admin, provider, reseller)
    assert services.order_provision(order_id=str(order.pk)) == "completed"
    order.refresh_from_db()
    assert order.reseller_dropped == "partnership_ended"
    added = Subscription.objects.get(customer=customer, offer=offers["standard"])
    assert added.reseller_of_record is None
    page = client.get(f"/o/contoso/orders/{order.pk}/confirmation/").content.decode()
    assert ("The subscriptions were added without Northwind Traders as reseller of record, "
            "because your partnership with Northwind Traders ended") in page


def test_an_ex_partner_still_delegated_cannot_add_subscriptions(customer, provider, reseller,
                                                                reseller_admin, offers):
    # Delegation left behind (as before the fix): the partnership alone decides.
    Partnership.objects.filter(provider=provider, reseller=reseller).update(status="ended")
    with pytest.raises(DomainError, match="no longer manage this customer"):
        customer_order_subscriptions(
            provider=provider, customer=customer, reseller=reseller,
            lines=[(offers["standard"], 3)], idempotency_key=uuid.uuid4(),
            submitted_by=reseller_admin, acting_organization=reseller)
    assert not Order.objects.exists()


# ------------------------------------------------------------------ the race


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_end_partnership_racing_submit_and_provisioning_never_delegates_an_ex_partner(
        provider, provider_admin, offers):
    """End partnership posted together with two Submits and a provisioning run, several
    rounds: whatever the order, no customer ends delegated to (or subscription credited to)
    the ex-partner."""
    outcomes = []
    for round_ in range(6):
        reseller = factories.ResellerFactory(name=f"Northwind {round_}", slug=f"nw-{round_}")
        partnership = factories.PartnershipFactory(provider=provider, reseller=reseller)

        def submit(prefix, reseller=reseller):
            return customer_submit(
                provider=provider, reseller=reseller,
                customer_details={**DETAILS, "domain_prefix": prefix}, lines=[
                    (offers["basic"], 5)], idempotency_key=uuid.uuid4(),
                submitted_by=provider_admin)

        with mock.patch.object(provision_order, "delay"):
            first = submit(f"r{round_}first")  # committed; its provisioning races the End
            barrier = threading.Barrier(4)
            errors, results = [], []

            def run(action, barrier=barrier, errors=errors, results=results):
                try:
                    barrier.wait(timeout=10)
                    results.append(action())
                except DomainError as error:  # a Submit refused: no longer a partner
                    results.append(error.message)
                except Exception as error:  # reported below
                    errors.append(error)
                finally:
                    connections.close_all()

            actions = [
                lambda partnership=partnership: partnership_end(partnership=partnership,
                                                                actor=provider_admin),
                lambda first=first: services.order_provision(order_id=str(first.pk)),
                lambda round_=round_: submit(f"r{round_}a"),
                lambda round_=round_: submit(f"r{round_}b"),
            ]
            threads = [threading.Thread(target=run, args=(action,)) for action in actions]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not errors, errors
            # The worker runs what is left.
            for order in Order.objects.filter(reseller=reseller, status__in=["submitted",
                                                                             "provisioning"]):
                services.order_provision(order_id=str(order.pk))

        partnership.refresh_from_db()
        assert partnership.status == "ended"
        orders = Order.objects.filter(reseller=reseller)
        assert not orders.exclude(status="completed").exists()
        assert not Customer.objects.filter(reseller=reseller).exists()
        for order in orders:
            credited = Subscription.objects.filter(customer=order.customer_id,
                                                   reseller_of_record=reseller)
            if order.reseller_dropped:
                assert not credited.exists()  # provisioned after the End: no credit
            else:
                # Provisioned while partners (its credit stays, as for every past sale).
                assert order.completed_at < partnership.ended_at
        # The first order was submitted while partners: it is provisioned either before
        # the End (then undelegated by it) or after (then without the reseller).
        outcomes.append(sorted(order.reseller_dropped for order in orders))
    assert len(outcomes) == 6

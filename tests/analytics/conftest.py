"""A day of orders, changes and cancellations for Contoso, made through the services as the
pages make them (provisioning and the analytics task run as the transaction commits)."""

import uuid

import pytest

from apps.customers.services import customer_order_subscriptions, customer_submit
from apps.subscriptions import services as subscriptions
from apps.subscriptions.models import Subscription
from tests.customers.conftest import DETAILS


@pytest.fixture
def trading_day(contoso, contoso_admin, northwind, fabrikam_partnered, offers,
                django_capture_on_commit_callbacks):
    """Six customers (Northwind's, Fabrikam's, Contoso's own), a second order for one,
    then licences added and removed, an upgrade, a suspension, a reactivation and two
    cancellations. Returns the orders' customers by prefix."""

    def committed(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    resellers = {"nw": northwind, "fb": fabrikam_partnered, "own": None}
    customers = {}
    plans = [("nw", "nwone", [("basic", 5), ("standard", 10)]),
             ("nw", "nwtwo", [("standard", 3)]),
             ("nw", "nwthree", [("basic", 7)]),
             ("fb", "fbone", [("premium", 4), ("basic", 2)]),
             ("fb", "fbtwo", [("standard", 20)]),
             ("own", "ownone", [("basic", 1)])]
    for who, prefix, lines in plans:
        order = committed(customer_submit, provider=contoso, reseller=resellers[who],
                          customer_details={**DETAILS, "domain_prefix": prefix},
                          lines=[(offers[code], n) for code, n in lines],
                          idempotency_key=uuid.uuid4(), submitted_by=contoso_admin)
        order.customer.refresh_from_db()
        customers[prefix] = order.customer
    committed(customer_order_subscriptions, provider=contoso, customer=customers["nwtwo"],
              reseller=northwind, lines=[(offers["premium"], 2)],
              idempotency_key=uuid.uuid4(), submitted_by=contoso_admin)

    def sub(prefix, code):
        return Subscription.objects.get(customer=customers[prefix], offer__code=code,
                                        status__in=["active", "suspended"])

    who = {"actor": contoso_admin, "organization": contoso}
    committed(subscriptions.subscription_change_quantity, subscription=sub("nwone", "basic"),
              quantity=9, **who)
    committed(subscriptions.subscription_change_quantity,
              subscription=sub("fbtwo", "standard"), quantity=15, **who)
    committed(subscriptions.subscription_upgrade, subscription=sub("nwthree", "basic"),
              offer=offers["standard"], **who)
    committed(subscriptions.subscription_suspend, subscription=sub("fbone", "premium"), **who)
    committed(subscriptions.subscription_suspend, subscription=sub("nwtwo", "standard"), **who)
    committed(subscriptions.subscription_reactivate, subscription=sub("nwtwo", "standard"),
              **who)
    committed(subscriptions.subscription_cancel, subscription=sub("nwone", "standard"), **who)
    committed(subscriptions.subscription_cancel, subscription=sub("fbone", "premium"), **who)
    return customers


from tests.orders.conftest import submit  # noqa: E402, F401  (a fixture)

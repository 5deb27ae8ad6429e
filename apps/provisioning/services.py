"""Provisioning: fulfil a submitted order (a new customer's, or new subscriptions), retry a
failed one, and pick up the ones nobody is working on.

One run claims the order and does everything in one transaction through the owners'
services: the customer's admin account (accounts, organizations), the subscriptions
(subscriptions), the customer's activation and delegated reseller (customers), the password
handover and the order's completion (orders). The slow part, hashing the admin's temporary
password, is done before that transaction (the run holds the order's claim then, not the
provider's lock): the transaction only stores the hash. The temporary password exists in
plain text only in the run's memory (to be hashed and encrypted) and in the one response
that reveals it; it is never logged, audited, mailed or passed to a task.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.selectors import user_get_by_email
from apps.accounts.services import temporary_password_prepare, user_create_with_temporary_password
from apps.audit.services import record
from apps.customers.selectors import admin_username
from apps.customers.services import (
    customer_activate,
    customer_delegate,
    customer_mark_failed,
    customer_mark_provisioning,
    customer_undelegate,
)
from apps.errors import DomainError
from apps.orders.selectors import (
    order_claimed_unlocked,
    order_lines_unprovisioned,
    order_stuck_ids,
)
from apps.orders.services import (
    ResellerDropped,
    handover_create,
    order_claim,
    order_claimed,
    order_complete,
    order_drop_reseller,
    order_fail,
    order_line_set_subscription,
    order_release,
    order_resubmit,
)
from apps.organizations.roles import Role
from apps.organizations.selectors import membership_list
from apps.organizations.services import membership_add, organization_lock
from apps.outbox.services import enqueue
from apps.partnerships.selectors import partnership_is_active
from apps.subscriptions.services import subscription_create

from . import tasks

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.accounts.services import TemporaryPassword
    from apps.customers.models import Customer
    from apps.orders.models import Order

logger = logging.getLogger(__name__)

# Errors worth another try later: the database went away or timed out.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def provisioning_enqueue(order_id: str) -> None:
    """Registered with apps.orders.hooks: a submitted order goes to the worker once committed
    (an outbox row of the submitting transaction)."""
    enqueue(tasks.provision_order, order_id=order_id, key=f"order:{order_id}:provision")


# ------------------------------------------------------------------ provision


def order_provision(*, order_id: UUID | str) -> str:
    """Provision one order; safe to run twice or after a run died. Returns what happened."""
    token = order_claim(order_id=order_id)
    if token is None:
        return "skipped"
    try:
        done = _provision(order_id, token, _admin_password(order_id, token))
    except DomainError as error:
        order_provisioning_fail(order_id=order_id, token=token, error=error.message)
        return "failed"
    except TRANSIENT_ERRORS:
        # If even that fails, the lease runs out and the beat task enqueues the order again.
        with contextlib.suppress(*TRANSIENT_ERRORS):
            order_release(order_id=order_id, token=token)
        raise
    except Exception:
        logger.exception("Provisioning order %s failed", order_id)
        order_provisioning_fail(
            order_id=order_id, token=token,
            error=_("Provisioning failed unexpectedly. Retry the order; if it fails again, "
                    "contact the platform operators."))
        return "failed"
    return "completed" if done else "skipped"


def _admin_password(order_id: UUID | str, token: UUID) -> TemporaryPassword | None:
    """The new customer admin's temporary password, hashed before the transaction: hashing
    is the slow part of provisioning, and inside the transaction it would hold the provider's
    lock (one order of the provider at a time, Submit waiting). None when the order makes no
    admin account, or an earlier run made it."""
    order = order_claimed_unlocked(order_id=order_id, token=token)
    if order is None or order.kind != order.Kind.NEW_CUSTOMER:
        return None
    if user_get_by_email(email=admin_username(order.customer.domain_prefix)) is not None:
        return None
    return temporary_password_prepare()


@transaction.atomic
def _provision(order_id: UUID | str, token: UUID,
               admin_password: TemporaryPassword | None = None) -> bool:
    # Everything below commits together or not at all: a run that dies half-way leaves
    # nothing behind, and the next run starts from the same state.
    order = order_claimed(order_id=order_id, token=token)
    if order is None:
        return False  # another run took the order over
    # The provider's lock, as Submit and End partnership take it (they exclusively): the
    # partnership checked below cannot end before this run commits. Shared: runs for other
    # orders of the provider go on at the same time.
    organization_lock(order.provider, shared=True)
    partnered = _reseller_still_partnered(order)
    customer = order.customer
    if order.kind == order.Kind.NEW_CUSTOMER:
        _customer_admin(order, customer, admin_password)
        _subscriptions(order, customer)
        if partnered:
            _delegate(order, customer)
        else:
            customer_undelegate(customer=customer, audit=False)
        customer_activate(customer=customer)
    elif order.kind == order.Kind.NEW_SUBSCRIPTION:
        _subscriptions(order, customer)
    else:
        # Changes are made (and completed) by the subscription services themselves.
        raise DomainError(_("This kind of order is not provisioned."))
    order_complete(order=order)
    return True


def _reseller_still_partnered(order: Order) -> bool:
    """False when the order's reseller no longer partners with the provider (the partnership
    ended after Submit): the order then goes on without it (no delegation, no reseller of
    record credit) and says why. True when it does, or when the order has no reseller."""
    if order.reseller is None or partnership_is_active(provider=order.provider,
                                                       reseller=order.reseller):
        return True
    order_drop_reseller(order=order, reason=ResellerDropped.PARTNERSHIP_ENDED)
    return False


def _customer_admin(order: Order, customer: Customer,
                    admin_password: TemporaryPassword | None) -> User:
    """The customer's admin user, its membership and (first time only) the password handover,
    with the password hashed beforehand (`admin_password`; made here when missing)."""
    organization = customer.organization
    username = admin_username(customer.domain_prefix)
    user = user_get_by_email(email=username)
    if user is not None:
        if not membership_list(organization=organization).filter(user=user).exists():
            raise DomainError(_("The account %(username)s already exists and does not belong "
                                "to this customer.") % {"username": username})
        return user  # made by an earlier run of this order: its password stays as handed over
    # The customer's Language is its admin's: the portal and its mail speak it to them.
    user, password = user_create_with_temporary_password(email=username,
                                                         last_organization=organization,
                                                         language=customer.language,
                                                         prepared=admin_password)
    membership_add(organization=organization, user=user, role=Role.ADMIN, audit=False)
    handover_create(order=order, for_user=order.submitted_by, username=username,
                    password=password)
    del password
    record(actor=order.submitted_by, organization=organization, action="customer.admin_created",
           target=user,
           data={"email": username})
    return user


def _subscriptions(order: Order, customer: Customer) -> None:
    for line in order_lines_unprovisioned(order=order):
        subscription = subscription_create(
            customer=customer, offer=line.offer, quantity=line.quantity,
            reseller_of_record=line.reseller_of_record, support_contact=order.provider,
            order=order, actor=order.submitted_by)
        order_line_set_subscription(line=line, subscription=subscription)


def _delegate(order: Order, customer: Customer) -> None:
    """The chosen reseller becomes the customer's delegated admin."""
    reseller = order.reseller  # selected with the claimed order: no query
    if reseller is None:
        return
    # Credited to whoever submitted the order, as the order itself is.
    customer_delegate(customer=customer, reseller=reseller, actor=order.submitted_by)


def order_provisioning_fail(*, order_id: UUID | str, error: str,
                            token: UUID | None = None) -> bool:
    """Mark an order failed with a message the provider reads; its new customer too."""
    with transaction.atomic():
        order = order_fail(order_id=order_id, error=error, token=token)
        if order is None:
            return False
        customer_mark_failed(customer_id=order.customer_id)
    return True


# ------------------------------------------------------------------ retry, requeue


@transaction.atomic
def order_retry(*, order: Order, actor: User, request: HttpRequest | None = None) -> Order:
    """Send a failed order to provisioning again."""
    order = order_resubmit(order=order, actor=actor, request=request)
    customer_mark_provisioning(customer_id=order.customer_id)
    # Each retry is a new event: the order's runs so far tell this one from the last.
    enqueue(tasks.provision_order, order_id=str(order.pk),
            key=f"order:{order.pk}:retry:{order.attempts}")
    return order


def orders_requeue_stuck(*, now: datetime | None = None) -> int:
    """Enqueue provisioning again for orders nobody is working on; returns how many."""
    now = now or timezone.now()
    stuck = order_stuck_ids(now=now)
    for pk in stuck:
        # One message per order and sweep: a later sweep may need to send it again.
        enqueue(tasks.provision_order, order_id=str(pk),
                key=f"order:{pk}:requeue:{now.isoformat()}")
    return len(stuck)

"""Order use cases: submit a new customer's or a new subscription's order, provision it,
retry it, hand over the password. (Changes of existing subscriptions are `change` orders made
by apps.subscriptions.services, completed at once.)

The temporary password exists in plain text only inside `order_provision` (to hash it
and encrypt it) and in the one response that reveals it; it is never logged, audited,
mailed or passed to a task.
"""

import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.audit.services import record
from apps.catalog.models import Offer
from apps.customers.models import Customer
from apps.customers.selectors import admin_username, partnered_resellers
from apps.customers.services import customer_create
from apps.errors import DomainError
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Role
from apps.subscriptions.models import Subscription
from apps.subscriptions.services import term_end

from . import crypto
from .models import CredentialHandover, Order, OrderLine
from .passwords import temporary_password

logger = logging.getLogger(__name__)

# Errors worth another try later: the database went away or timed out.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


# ------------------------------------------------------------------ submit


def _check_lines(lines):
    if not lines:
        raise DomainError(_("Select at least one subscription."), field="offers")
    offer_ids = [offer.pk for offer, _quantity in lines]
    if len(set(offer_ids)) != len(offer_ids):
        raise DomainError(_("Each subscription can be ordered once."), field="offers")
    # Read the offers again inside the transaction: one may have been retired meanwhile.
    current = {offer.pk: offer for offer in
               Offer.objects.filter(pk__in=offer_ids, is_active=True)}
    checked = []
    for offer, quantity in lines:
        offer = current.get(offer.pk)
        if offer is None:
            raise DomainError(_("A selected subscription is not available for ordering. "
                                "Choose from the list."), field="offers")
        if not isinstance(quantity, int) or not (
                offer.min_licenses <= quantity <= offer.max_licenses):
            raise DomainError(
                ngettext("%(offer)s needs %(min)s to %(max)s license.",
                         "%(offer)s needs %(min)s to %(max)s licenses.", offer.max_licenses)
                % {"offer": offer.name, "min": offer.min_licenses, "max": offer.max_licenses},
                field="offers")
        checked.append((offer, quantity))
    return checked


@transaction.atomic
def order_submit_new_customer(*, provider, reseller, customer_details, lines, idempotency_key,
                              submitted_by, request=None):
    """Create the customer (provisioning), the order and its lines; provision on commit.

    `lines` are (offer, licenses) pairs. The same idempotency key from the same user
    returns the order made the first time and creates nothing.
    """
    _lock_provider(provider)
    existing = Order.objects.filter(provider=provider, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.submitted_by_id != submitted_by.pk:
            raise DomainError(_("This order was submitted by someone else. "
                                "Start a new customer again."))
        return existing
    if reseller is not None and not partnered_resellers(provider=provider).filter(
            pk=reseller.pk).exists():
        raise DomainError(_("Choose one of your partnered indirect resellers."),
                          field="reseller")
    lines = _check_lines(lines)
    customer = customer_create(provider=provider, reseller=reseller, actor=submitted_by,
                               request=request, **customer_details)
    order = Order.objects.create(provider=provider, customer=customer, reseller=reseller,
                                 kind=Order.Kind.NEW_CUSTOMER, status=Order.Status.SUBMITTED,
                                 idempotency_key=idempotency_key, submitted_by=submitted_by)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, offer=offer, quantity=quantity, unit_price=offer.unit_price,
                  currency=offer.currency, reseller_of_record=reseller)
        for offer, quantity in lines])
    record(actor=submitted_by, organization=provider, action="order.submitted", target=order,
           data={"kind": order.kind, "customer": customer.organization.name,
                 "reseller": reseller.name if reseller else None,
                 "lines": [{"offer": offer.code, "licenses": quantity}
                           for offer, quantity in lines]},
           request=request)
    from .tasks import provision_order

    provision_order.delay_on_commit(str(order.pk))
    return order


def _lock_provider(provider):
    """One submission at a time per provider, so that the idempotency check sees the order
    a concurrent double click is creating."""
    Organization.objects.select_for_update().filter(pk=provider.pk).values_list("pk").first()


@transaction.atomic
def order_submit_new_subscription(*, provider, customer, reseller, lines, idempotency_key,
                                  submitted_by, acting_organization=None, request=None):
    """Order new subscriptions for an existing customer; provision them on commit.

    `reseller` (a partnered reseller, or None) becomes every new subscription's reseller of
    record: the reseller credited for incentives. The same idempotency key from the same
    user returns the order made the first time.
    """
    _lock_provider(provider)
    existing = Order.objects.filter(provider=provider, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.submitted_by_id != submitted_by.pk or existing.customer_id != customer.pk:
            raise DomainError(_("This form was already used. Open Add subscription again."))
        return existing
    if customer.provider_id != provider.pk:
        raise DomainError(_("This customer is not one of yours."))
    customer = Customer.objects.select_related("organization").get(pk=customer.pk)
    if customer.status != Customer.Status.ACTIVE:
        raise DomainError(_("%(customer)s is not active yet: subscriptions can be added once "
                            "its account is set up.") % {"customer": customer.organization.name})
    if reseller is not None and not partnered_resellers(provider=provider).filter(
            pk=reseller.pk).exists():
        raise DomainError(_("Choose one of your partnered indirect resellers."),
                          field="reseller")
    lines = _check_lines(lines)
    order = Order.objects.create(provider=provider, customer=customer, reseller=reseller,
                                 kind=Order.Kind.NEW_SUBSCRIPTION, status=Order.Status.SUBMITTED,
                                 idempotency_key=idempotency_key, submitted_by=submitted_by)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, offer=offer, quantity=quantity, unit_price=offer.unit_price,
                  currency=offer.currency, reseller_of_record=reseller)
        for offer, quantity in lines])
    data = {"kind": order.kind, "customer": customer.organization.name,
            "reseller": reseller.name if reseller else None,
            "lines": [{"offer": offer.code, "licenses": quantity} for offer, quantity in lines]}
    # A reseller ordering for its delegated customer sees the order in its own log too.
    for organization in {provider, acting_organization or provider}:
        record(actor=submitted_by, organization=organization, action="order.submitted",
               target=order, data=data, request=request)
    from .tasks import provision_order

    provision_order.delay_on_commit(str(order.pk))
    return order


# ------------------------------------------------------------------ provision


def order_claim(*, order_id):
    """Claim an order for one provisioning run: a fresh token, or None when it is not ours.

    A submitted order can be claimed; so can one whose earlier claim is older than the
    lease (its worker died half-way: that run's transaction never committed).
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PORTAL_ORDER_LEASE_SECONDS)
    token = uuid.uuid4()
    claimed = (Order.objects.filter(pk=order_id)
               .filter(Q(status=Order.Status.SUBMITTED)
                       | Q(status=Order.Status.PROVISIONING, claimed_at__lt=stale))
               .update(status=Order.Status.PROVISIONING, claim_token=token, claimed_at=now,
                       attempts=F("attempts") + 1))
    return token if claimed else None


def order_release(*, order_id, token):
    """Give a claim back after a transient error, so the retry can claim it again."""
    Order.objects.filter(pk=order_id, claim_token=token, status=Order.Status.PROVISIONING).update(
        status=Order.Status.SUBMITTED, claim_token=None, claimed_at=None)


def order_provision(*, order_id):
    """Provision one order; safe to run twice or after a run died. Returns what happened."""
    token = order_claim(order_id=order_id)
    if token is None:
        return "skipped"
    try:
        done = _provision(order_id, token)
    except DomainError as error:
        order_fail(order_id=order_id, token=token, error=error.message)
        return "failed"
    except TRANSIENT_ERRORS:
        # If even that fails, the lease runs out and the beat task enqueues the order again.
        with contextlib.suppress(*TRANSIENT_ERRORS):
            order_release(order_id=order_id, token=token)
        raise
    except Exception:
        logger.exception("Provisioning order %s failed", order_id)
        order_fail(order_id=order_id, token=token,
                   error=_("Provisioning failed unexpectedly. Retry the order; if it fails "
                           "again, contact the platform operators."))
        return "failed"
    return "completed" if done else "skipped"


@transaction.atomic
def _provision(order_id, token):
    # Everything below commits together or not at all: a run that dies half-way leaves
    # nothing behind, and the next run starts from the same state.
    order = (Order.objects.select_for_update(of=("self",))
             .select_related("customer__organization", "provider", "reseller", "submitted_by")
             .get(pk=order_id))
    if order.status != Order.Status.PROVISIONING or order.claim_token != token:
        return False  # another run took the order over
    customer = order.customer
    if order.kind == Order.Kind.NEW_CUSTOMER:
        _customer_admin(order, customer)
        _subscriptions(order, customer)
        _delegate(order, customer)
        customer.status = Customer.Status.ACTIVE
        customer.save(update_fields=["status"])
    elif order.kind == Order.Kind.NEW_SUBSCRIPTION:
        _subscriptions(order, customer)
    else:
        # Changes are made (and completed) by the subscription services themselves.
        raise DomainError(_("This kind of order is not provisioned."))
    order.status = Order.Status.COMPLETED
    order.completed_at = timezone.now()
    order.error = ""
    order.claim_token = None
    order.save(update_fields=["status", "completed_at", "error", "claim_token", "updated_at"])
    record(actor=None, organization=order.provider, action="order.completed", target=order,
           data={"customer": customer.organization.name})
    return True


def _customer_admin(order, customer):
    """The customer's admin user, its membership and (first time only) the password handover."""
    User = get_user_model()
    organization = customer.organization
    username = admin_username(customer.domain_prefix)
    user = User.objects.filter(email__iexact=username).first()
    if user is not None:
        if not Membership.objects.filter(user=user, organization=organization).exists():
            raise DomainError(_("The account %(username)s already exists and does not belong "
                                "to this customer.") % {"username": username})
        return user  # made by an earlier run of this order: its password stays as handed over
    password = temporary_password()
    expires = timezone.now() + timedelta(days=settings.PORTAL_TEMPORARY_PASSWORD_DAYS)
    # The customer's Language is its admin's: the portal and its mail speak it to them.
    user = User.objects.create_user(email=username, password=password, must_change_password=True,
                                    password_expires_at=expires, last_organization=organization,
                                    language=customer.language)
    # The address is in the platform's own customer domain: nothing to verify by mail.
    EmailAddress.objects.create(user=user, email=username, verified=True, primary=True)
    Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
    CredentialHandover.objects.update_or_create(
        order=order, defaults={"for_user": order.submitted_by, "username": username,
                               "secret": crypto.encrypt(password), "revealed_at": None,
                               "purged_at": None})
    del password
    record(actor=None, organization=organization, action="customer.admin_created", target=user,
           data={"email": username})
    return user


def _subscriptions(order, customer):
    today = timezone.localdate()
    for line in (order.lines.select_related("offer", "reseller_of_record")
                 .filter(subscription__isnull=True)):
        line.subscription = Subscription.objects.create(
            customer=customer, offer=line.offer, quantity=line.quantity,
            reseller_of_record=line.reseller_of_record, support_contact=order.provider,
            term_start=today, term_end=term_end(line.offer, today))
        line.save(update_fields=["subscription"])
        record(actor=None, organization=order.provider, action="subscription.purchased",
               target=line.subscription,
               data={"customer": customer.organization.name, "offer": line.offer.name,
                     "licenses": line.quantity,
                     "reseller_of_record": (line.reseller_of_record.name
                                            if line.reseller_of_record else None),
                     "order": str(order.pk)})


def _delegate(order, customer):
    """The chosen reseller becomes the customer's delegated admin."""
    if order.reseller_id is None:
        return
    if customer.reseller_id != order.reseller_id:
        customer.reseller = order.reseller
        customer.save(update_fields=["reseller"])
    record(actor=None, organization=order.reseller, action="customer.delegated", target=customer,
           data={"provider": order.provider.name})


def order_fail(*, order_id, error, token=None):
    """Mark an order failed with a message the provider reads; its customer too."""
    with transaction.atomic():
        orders = Order.objects.filter(pk=order_id)
        if token is not None:
            orders = orders.filter(claim_token=token, status=Order.Status.PROVISIONING)
        else:
            orders = orders.filter(status__in=[Order.Status.SUBMITTED,
                                               Order.Status.PROVISIONING])
        if not orders.update(status=Order.Status.FAILED, error=error[:2000], claim_token=None,
                             updated_at=timezone.now()):
            return False
        order = Order.objects.select_related("customer", "provider").get(pk=order_id)
        Customer.objects.filter(pk=order.customer_id,
                                status=Customer.Status.PROVISIONING).update(
            status=Customer.Status.FAILED)
        record(actor=None, organization=order.provider, action="order.failed", target=order,
               data={"error": error[:500]})
    return True


@transaction.atomic
def order_retry(*, order, actor, request=None):
    """Send a failed order to provisioning again."""
    retried = Order.objects.filter(pk=order.pk, status=Order.Status.FAILED).update(
        status=Order.Status.SUBMITTED, error="", claim_token=None, claimed_at=None,
        updated_at=timezone.now())
    if not retried:
        raise DomainError(_("Only a failed order can be retried."))
    Customer.objects.filter(pk=order.customer_id, status=Customer.Status.FAILED).update(
        status=Customer.Status.PROVISIONING)
    record(actor=actor, organization=order.provider, action="order.retried", target=order,
           request=request)
    from .tasks import provision_order

    provision_order.delay_on_commit(str(order.pk))
    order.refresh_from_db()
    return order


def orders_requeue_stuck(*, now=None):
    """Enqueue provisioning again for orders nobody is working on; returns how many."""
    from .tasks import provision_order

    now = now or timezone.now()
    waiting = now - timedelta(seconds=settings.PORTAL_ORDER_STUCK_SECONDS)
    stale = now - timedelta(seconds=settings.PORTAL_ORDER_LEASE_SECONDS)
    stuck = list(Order.objects
                 .filter(Q(status=Order.Status.SUBMITTED, updated_at__lt=waiting)
                         | Q(status=Order.Status.PROVISIONING, claimed_at__lt=stale))
                 .order_by("submitted_at").values_list("pk", flat=True)[:200])
    for pk in stuck:
        provision_order.delay(str(pk))
    return len(stuck)


# ------------------------------------------------------------------ hand over


@dataclass(frozen=True)
class SetupInfo:
    """What the Confirmation page may show: `password` is set only in the revealing response."""

    state: str  # "shown", "already_shown", "expired", "not_yours", "unreadable", "none"
    username: str = ""
    password: str = ""
    revealed_at: datetime | None = None


@transaction.atomic
def handover_reveal(*, order, user, request=None):
    """Reveal the temporary password once, to the user who submitted, and wipe it."""
    handover = CredentialHandover.objects.select_for_update().filter(order=order).first()
    if handover is None:
        return SetupInfo("none")
    if handover.for_user_id is None or handover.for_user_id != user.pk:
        return SetupInfo("not_yours", handover.username)
    if handover.purged_at is not None:
        return SetupInfo("expired", handover.username)
    if handover.revealed_at is not None or not handover.secret:
        return SetupInfo("already_shown", handover.username, revealed_at=handover.revealed_at)
    try:
        password = crypto.decrypt(handover.secret)
    except crypto.InvalidToken:
        password = ""
    handover.secret = ""
    handover.revealed_at = timezone.now()
    handover.save(update_fields=["secret", "revealed_at"])
    record(actor=user, organization=order.provider, action="order.setup_info_shown",
           target=order, data={"username": handover.username}, request=request)
    if not password:
        return SetupInfo("unreadable", handover.username)
    return SetupInfo("shown", handover.username, password, handover.revealed_at)


def handovers_purge(*, now=None):
    """Wipe the passwords nobody revealed within PORTAL_HANDOVER_HOURS; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PORTAL_HANDOVER_HOURS)
    return (CredentialHandover.objects
            .filter(revealed_at__isnull=True, purged_at__isnull=True, created_at__lt=cutoff)
            .update(secret="", purged_at=now))

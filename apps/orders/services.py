"""Order use cases: the ledger of what was bought and changed.

Purchase orders (a new customer's, new subscriptions) are submitted here once the caller
(apps.customers.services) has checked the customer and the reseller; changes of existing
subscriptions are recorded here as completed `change` orders by apps.subscriptions.services;
provisioning (apps.provisioning) moves purchase orders through their statuses with the
transitions below. A temporary password is handed over once: it is encrypted by
`handover_create` and decrypted only in the one response that reveals it, never logged,
audited, mailed or passed to a task.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.audit.services import record
from apps.catalog.selectors import offers_active
from apps.errors import DomainError
from apps.organizations.services import organization_lock
from apps.webhooks.services import emit

from . import crypto, hooks
from .models import CredentialHandover, Order, OrderLine

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.catalog.models import Offer
    from apps.organizations.models import Organization

    # customers.Customer and subscriptions.Subscription: both apps sit above orders, which
    # cannot name them.
    Customer: TypeAlias = Any
    Subscription: TypeAlias = Any

# (offer, licenses) of one line of an order.
Line = tuple["Offer", int]

# What a change order's line did: licenses added or removed, upgrade, suspension, ...
ChangeAction = OrderLine.Action
# Why provisioning left an order's reseller out.
ResellerDropped = Order.ResellerDropped
# Why a credential handover was made (a new customer, a customer's new user, a reset).
HandoverReason = CredentialHandover.Reason


# ------------------------------------------------------------------ submit


def order_submission_start(*, provider: Organization,
                           idempotency_key: uuid.UUID) -> Order | None:
    """Begin a submission, inside the caller's transaction: take the provider's lock (one
    submission at a time per provider, so that the idempotency check sees the order a
    concurrent double click is creating), then return the order already made with this
    key, or None when the key is new."""
    organization_lock(provider)
    return Order.objects.filter(provider=provider, idempotency_key=idempotency_key).first()


def order_lines_check(lines: Sequence[Line]) -> list[Line]:
    """The (offer, licenses) pairs an order may have: each offer once, still orderable, with
    licenses within its limits. Returns them with the offers read again; DomainError else."""
    if not lines:
        raise DomainError(_("Select at least one subscription."), field="offers")
    offer_ids = [offer.pk for offer, _quantity in lines]
    if len(set(offer_ids)) != len(offer_ids):
        raise DomainError(_("Each subscription can be ordered once."), field="offers")
    # Read the offers again inside the transaction: one may have been retired meanwhile.
    current = offers_active(ids=offer_ids)
    checked = []
    for listed, quantity in lines:
        offer = current.get(listed.pk)
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


def _submit(*, kind: str, provider: Organization, customer: Customer,
            reseller: Organization | None, lines: Sequence[Line], idempotency_key: uuid.UUID,
            submitted_by: User, audiences: Iterable[Organization],
            request: HttpRequest | None) -> Order:
    order = Order.objects.create(provider=provider, customer=customer, reseller=reseller,
                                 kind=kind, status=Order.Status.SUBMITTED,
                                 idempotency_key=idempotency_key, submitted_by=submitted_by)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, offer=offer, quantity=quantity, unit_price=offer.unit_price,
                  currency=offer.currency, reseller_of_record=reseller)
        for offer, quantity in lines])
    data = {"kind": order.kind, "customer": customer.organization.name,
            "reseller": reseller.name if reseller else None,
            "lines": [{"offer": offer.code, "licenses": quantity} for offer, quantity in lines]}
    for organization in audiences:
        record(actor=submitted_by, organization=organization, action="order.submitted",
               target=order, data=data, request=request)
    # Provisioning (registered by an app above this one) queues its work in this transaction
    # (an outbox row, relayed once the order is committed).
    hooks.order_submitted(str(order.pk))
    emit("order.submitted", order, organizations=[provider, reseller], key=order.pk)
    return order


@transaction.atomic
def order_submit_new_customer(*, provider: Organization, customer: Customer,
                              reseller: Organization | None, lines: Sequence[Line],
                              idempotency_key: uuid.UUID, submitted_by: User,
                              request: HttpRequest | None = None) -> Order:
    """The order of a customer created at the same Submit, with its lines; provisioned once
    the transaction commits.

    The caller has begun with `order_submission_start` and checked the reseller; `lines` are
    what `order_lines_check` returned. Every line credits `reseller` (or no one).
    """
    return _submit(kind=Order.Kind.NEW_CUSTOMER, provider=provider, customer=customer,
                   reseller=reseller, lines=lines, idempotency_key=idempotency_key,
                   submitted_by=submitted_by, audiences=[provider], request=request)


@transaction.atomic
def order_submit_new_subscription(*, provider: Organization, customer: Customer,
                                  reseller: Organization | None, lines: Sequence[Line],
                                  idempotency_key: uuid.UUID, submitted_by: User,
                                  acting_organization: Organization | None = None,
                                  request: HttpRequest | None = None) -> Order:
    """An order of new subscriptions for an existing customer; provisioned once the
    transaction commits.

    The caller has begun with `order_submission_start` and checked the customer and the
    reseller; `lines` are what `order_lines_check` returned. `reseller` (or None) becomes
    every new subscription's reseller of record.
    """
    # A reseller ordering for its delegated customer sees the order in its own log too.
    return _submit(kind=Order.Kind.NEW_SUBSCRIPTION, provider=provider, customer=customer,
                   reseller=reseller, lines=lines, idempotency_key=idempotency_key,
                   submitted_by=submitted_by,
                   audiences={provider, acting_organization or provider}, request=request)


# ------------------------------------------------------------------ change orders


def change_order_replayed(*, provider: Organization, idempotency_key: uuid.UUID | None,
                          actor: User | AnonymousUser | None) -> Subscription | None:
    """The subscription that a change form sent twice has already changed (its change order
    carries the key), or None for a first submission. A key used by anyone else, or by
    another kind of order, is a stale form: DomainError."""
    if idempotency_key is None:
        return None
    order = (Order.objects.filter(provider=provider, idempotency_key=idempotency_key)
             .prefetch_related("lines__subscription").first())
    if order is None:
        return None
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    lines = list(order.lines.all())
    if (order.kind != Order.Kind.CHANGE or order.submitted_by_id != actor_id or not lines
            or lines[0].subscription is None):
        raise DomainError(_("This form was already used. Open the subscription again."),
                          code="stale_form")
    return lines[0].subscription


def change_order_record(*, provider: Organization, customer: Customer,
                        subscription: Subscription, action: str, quantity: int,
                        actor: User | AnonymousUser | None,
                        previous_quantity: int | None = None,
                        previous_offer: Offer | None = None,
                        idempotency_key: uuid.UUID | None = None) -> Order:
    """The completed `change` order, and its one line, that records a change of a
    subscription (made by the caller in the same transaction). `action` is a ChangeAction;
    `subscription` is the one changed (an upgrade: the new one)."""
    now = timezone.now()
    offer = subscription.offer
    order = Order.objects.create(
        provider=provider, customer=customer, reseller=subscription.reseller_of_record,
        kind=Order.Kind.CHANGE, status=Order.Status.COMPLETED,
        idempotency_key=idempotency_key or uuid.uuid4(),
        submitted_by=actor if actor is not None and actor.is_authenticated else None,
        submitted_at=now, completed_at=now)
    OrderLine.objects.create(
        order=order, offer=offer, action=action, quantity=quantity,
        previous_quantity=previous_quantity, previous_offer=previous_offer,
        unit_price=offer.unit_price, currency=offer.currency,
        reseller_of_record=subscription.reseller_of_record, subscription=subscription)
    hooks.order_took_effect(str(order.pk))
    return order


@dataclass(frozen=True)
class Change:
    """One change of `change_orders_record`: the subscription changed and its line."""
    subscription: Subscription
    action: str
    quantity: int
    previous_quantity: int | None
    idempotency_key: uuid.UUID


def change_orders_record(*, changes: Sequence[Change]) -> list[Order]:
    """`change_order_record` for many subscriptions at once, made by the system (no actor):
    the term engine's renewals and expiries. The same rows (one completed `change` order and
    its line per change, the price of the day), written in two statements; the apps above
    hear of the orders through one orders_took_effect call for the whole list."""
    now = timezone.now()
    orders, lines = [], []
    for change in changes:
        subscription = change.subscription
        offer = subscription.offer
        # Ids, not objects: a subscription's provider is its customer's (a copy).
        order = Order(provider_id=subscription.provider_id,
                      customer_id=subscription.customer_id,
                      reseller_id=subscription.reseller_of_record_id, kind=Order.Kind.CHANGE,
                      status=Order.Status.COMPLETED, idempotency_key=change.idempotency_key,
                      submitted_by=None, submitted_at=now, completed_at=now)
        orders.append(order)
        lines.append(OrderLine(
            order=order, offer=offer, action=change.action, quantity=change.quantity,
            previous_quantity=change.previous_quantity, unit_price=offer.unit_price,
            currency=offer.currency, reseller_of_record_id=subscription.reseller_of_record_id,
            subscription=subscription))
    Order.objects.bulk_create(orders)
    OrderLine.objects.bulk_create(lines)
    hooks.orders_took_effect(order.pk for order in orders)
    return orders


# ------------------------------------------------------------------ status transitions


def orders_record_imported(*, provider: Organization, customer: Customer,
                           reseller: Organization | None, kind: str,
                           subscriptions: Sequence[Subscription],
                           completed_at: datetime) -> Order:
    """The completed order that bought subscriptions made without one (demo data, an
    import), as it was: its lines purchase each subscription's licences for its reseller
    of record, at `completed_at`. Not announced to the apps above (order_took_effect):
    billing charges no past, and the figures count it when they are rebuilt
    (`rebuild_analytics`)."""
    order = Order.objects.create(
        provider=provider, customer=customer, reseller=reseller, kind=kind,
        status=Order.Status.COMPLETED, idempotency_key=uuid.uuid4(), submitted_by=None,
        submitted_at=completed_at, completed_at=completed_at)
    OrderLine.objects.bulk_create([OrderLine(
        order=order, offer=s.offer, action=OrderLine.Action.PURCHASE, quantity=s.quantity,
        unit_price=s.offer.unit_price, currency=s.offer.currency,
        reseller_of_record_id=s.reseller_of_record_id, subscription=s) for s in subscriptions])
    return order


def order_claim(*, order_id: uuid.UUID | str) -> uuid.UUID | None:
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


def order_release(*, order_id: uuid.UUID | str, token: uuid.UUID) -> None:
    """Give a claim back after a transient error, so the retry can claim it again."""
    Order.objects.filter(pk=order_id, claim_token=token, status=Order.Status.PROVISIONING).update(
        status=Order.Status.SUBMITTED, claim_token=None, claimed_at=None)


def order_claimed(*, order_id: uuid.UUID | str, token: uuid.UUID) -> Order | None:
    """The order claimed with `token`, locked until the caller's transaction ends, with its
    customer, provider, reseller and submitter; None when another run took it over."""
    order = (Order.objects.select_for_update(of=("self",))
             .select_related("customer__organization", "customer__provider", "provider",
                             "reseller", "submitted_by")
             .get(pk=order_id))
    if order.status != Order.Status.PROVISIONING or order.claim_token != token:
        return None
    return order


def order_line_set_subscription(*, line: OrderLine, subscription: Subscription) -> None:
    """A purchase line is done: the subscription provisioning made of it."""
    line.subscription = subscription
    line.save(update_fields=["subscription"])


def order_drop_reseller(*, order: Order, reason: str) -> Order:
    """A claimed order is provisioned without its reseller (`reason`, an
    Order.ResellerDropped): its lines credit no reseller of record; the order keeps the
    reseller it was submitted with, and says why it was left out."""
    order.reseller_dropped = reason
    order.save(update_fields=["reseller_dropped", "updated_at"])
    OrderLine.objects.filter(order=order).update(reseller_of_record=None)
    record(actor=None, organization=order.provider, action="order.reseller_dropped",
           target=order, data={"customer": order.customer.organization.name,
                               "reseller": order.reseller.name if order.reseller else None,
                               "reason": reason})
    return order


def order_complete(*, order: Order) -> Order:
    """A claimed order is provisioned: completed, its claim and any earlier error cleared."""
    order.status = Order.Status.COMPLETED
    order.completed_at = timezone.now()
    order.error = ""
    order.claim_token = None
    order.save(update_fields=["status", "completed_at", "error", "claim_token", "updated_at"])
    record(actor=None, organization=order.provider, action="order.completed", target=order,
           data={"customer": order.customer.organization.name})
    hooks.order_took_effect(str(order.pk))
    emit("order.completed", order, organizations=[order.provider, order.reseller], key=order.pk)
    return order


def order_fail(*, order_id: uuid.UUID | str, error: str,
               token: uuid.UUID | None = None) -> Order | None:
    """Mark a pending order (with `token`: that run's claimed order) failed with a message
    the provider reads. Returns the order, or None when it was not that."""
    with transaction.atomic():
        orders = Order.objects.filter(pk=order_id)
        if token is not None:
            orders = orders.filter(claim_token=token, status=Order.Status.PROVISIONING)
        else:
            orders = orders.filter(status__in=[Order.Status.SUBMITTED,
                                               Order.Status.PROVISIONING])
        if not orders.update(status=Order.Status.FAILED, error=error[:2000], claim_token=None,
                             updated_at=timezone.now()):
            return None
        order = (Order.objects.select_related("customer__organization", "provider")
                 .get(pk=order_id))
        record(actor=None, organization=order.provider, action="order.failed", target=order,
               data={"error": error[:500], "customer": order.customer.organization.name})
        emit("order.failed", order, organizations=[order.provider, order.reseller],
             key=f"{order.pk}:{order.attempts}")
    return order


@transaction.atomic
def order_resubmit(*, order: Order, actor: User, request: HttpRequest | None = None) -> Order:
    """A failed order goes back to submitted (the caller starts its provisioning again);
    DomainError for any other."""
    retried = Order.objects.filter(pk=order.pk, status=Order.Status.FAILED).update(
        status=Order.Status.SUBMITTED, error="", claim_token=None, claimed_at=None,
        updated_at=timezone.now())
    if not retried:
        raise DomainError(_("Only a failed order can be retried."))
    record(actor=actor, organization=order.provider, action="order.retried", target=order,
           request=request)
    order.refresh_from_db()
    return order


# ------------------------------------------------------------------ hand over


@dataclass(frozen=True)
class SetupInfo:
    """What the Confirmation page may show: `password` is set only in the revealing response."""

    state: str  # "shown", "already_shown", "expired", "not_yours", "unreadable", "none"
    username: str = ""
    password: str = ""
    revealed_at: datetime | None = None


def handover_create(*, order: Order, for_user: User | None, username: str,
                    password: str) -> CredentialHandover:
    """The temporary password of `username`, encrypted at rest, to be shown once to
    `for_user` on the order's Confirmation page (replacing any earlier one of the order)."""
    handover, _created = CredentialHandover.objects.update_or_create(
        order=order, defaults={"for_user": for_user, "username": username,
                               "secret": crypto.encrypt(password), "revealed_at": None,
                               "purged_at": None})
    return handover


def handover_create_for_account(*, organization: Organization, for_user: User,
                                username: str, password: str, reason: str,
                                idempotency_key: uuid.UUID | None = None) -> CredentialHandover:
    """The temporary password of `username`, a user of the customer `organization`,
    encrypted at rest, to be shown once to `for_user` (who added the user or reset its
    password) on the customer's Users pages. `reason`: a CredentialHandover.Reason."""
    return CredentialHandover.objects.create(
        organization=organization, for_user=for_user, username=username, reason=reason,
        idempotency_key=idempotency_key, secret=crypto.encrypt(password))


@transaction.atomic
def handover_reveal(*, order: Order, user: User | AnonymousUser,
                    request: HttpRequest | None = None) -> SetupInfo:
    """Reveal the temporary password once, to the user who submitted, and wipe it."""
    handover = CredentialHandover.objects.select_for_update().filter(order=order).first()
    if handover is None:
        return SetupInfo("none")
    return _reveal(handover, user, request, organization=order.provider, target=order,
                   action="order.setup_info_shown")


@transaction.atomic
def handover_reveal_for_account(*, handover: CredentialHandover, user: User | AnonymousUser,
                                request: HttpRequest | None = None) -> SetupInfo:
    """Reveal a customer user's temporary password once, to the user who asked for it, and
    wipe it; the customer's log records that it was shown."""
    handover = CredentialHandover.objects.select_for_update().get(pk=handover.pk)
    return _reveal(handover, user, request, organization=handover.organization,
                   target=handover, action="customer.setup_info_shown")


def _reveal(handover: CredentialHandover, user: User | AnonymousUser,
            request: HttpRequest | None, *, organization: Organization | None,
            target: Order | CredentialHandover, action: str) -> SetupInfo:
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
    record(actor=user, organization=organization, action=action, target=target,
           data={"username": handover.username}, request=request)
    if not password:
        return SetupInfo("unreadable", handover.username)
    return SetupInfo("shown", handover.username, password, handover.revealed_at)


def handovers_purge(*, now: datetime | None = None) -> int:
    """Wipe the passwords nobody revealed within PORTAL_HANDOVER_HOURS; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PORTAL_HANDOVER_HOURS)
    return (CredentialHandover.objects
            .filter(revealed_at__isnull=True, purged_at__isnull=True, created_at__lt=cutoff)
            .update(secret="", purged_at=now))

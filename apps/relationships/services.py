"""Reseller relationships with existing customers: the provider's request, the customer's
answer (which changes the reseller when another one manages the customer), and the customer
removing its reseller. One transaction per use case; the customer
and its subscriptions change through their own apps' services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.customers.services import customer_delegate, customer_undelegate
from apps.errors import DomainError
from apps.organizations.roles import Kind
from apps.organizations.services import organization_lock
from apps.outbox.services import enqueue
from apps.partnerships.selectors import partnership_is_active
from apps.subscriptions.services import (
    subscriptions_transfer_reseller,
    support_contacts_reassign,
)
from apps.webhooks.services import emit

from .models import ResellerRelationshipRequest
from .tasks import send_relationship_notice

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.customers.models import Customer
    from apps.organizations.models import Organization


@transaction.atomic
def relationship_request_create(*, provider: Organization, customer: Customer,
                                reseller: Organization, message: str = "", actor: User,
                                request: HttpRequest | None = None
                                ) -> ResellerRelationshipRequest:
    """Ask an existing customer to let `reseller` manage it (the customer's admin answers)."""
    if customer.provider_id != provider.pk:
        raise DomainError(_("This customer is not yours."))
    if reseller.kind != Kind.RESELLER or not partnership_is_active(provider=provider,
                                                                  reseller=reseller):
        raise DomainError(_("Choose one of your partnered indirect resellers."), field="reseller")
    if customer.reseller_id == reseller.pk:
        raise DomainError(_("%(reseller)s already manages this customer.")
                          % {"reseller": reseller.name}, field="reseller")
    pending = ResellerRelationshipRequest.objects.select_for_update().filter(
        customer=customer.organization, status=ResellerRelationshipRequest.Status.PENDING)
    if pending.exists():
        raise DomainError(_("A request is already waiting for this customer's answer. "
                            "Withdraw it first."), field="reseller")
    relationship = ResellerRelationshipRequest.objects.create(
        provider=provider, customer=customer.organization, reseller=reseller,
        message=message.strip(), requested_by=actor)
    for organization in (provider, customer.organization):
        record(actor=actor, organization=organization, action="relationship.requested",
               target=relationship, data={"reseller": reseller.name}, request=request)
    enqueue(send_relationship_notice, relationship_id=str(relationship.pk),
            key=f"relationship:{relationship.pk}:request")
    return relationship


def _lock_relationship(
        relationship: ResellerRelationshipRequest) -> ResellerRelationshipRequest:
    locked = (ResellerRelationshipRequest.objects.select_for_update()
              .select_related("provider", "customer", "reseller").get(pk=relationship.pk))
    if locked.status != ResellerRelationshipRequest.Status.PENDING:
        raise DomainError(_("This request has already been answered or withdrawn."))
    return locked


@transaction.atomic
def relationship_request_answer(*, relationship: ResellerRelationshipRequest, approve: bool,
                                actor: User, request: HttpRequest | None = None
                                ) -> ResellerRelationshipRequest:
    """The customer's admin approves (the reseller becomes delegated admin) or declines."""
    relationship = _lock_relationship(relationship)
    Status_ = ResellerRelationshipRequest.Status
    if approve:
        # The provider's lock, as End partnership takes it: the partnership checked here
        # cannot end before the delegation below commits.
        organization_lock(relationship.provider)
        if not partnership_is_active(provider=relationship.provider,
                                     reseller=relationship.reseller):
            raise DomainError(_("%(reseller)s no longer partners with %(provider)s; this request "
                                "cannot be approved.") % {"reseller": relationship.reseller.name,
                                                          "provider": relationship.provider.name})
        previous = _change_reseller(customer=relationship.customer.customer,
                                    reseller=relationship.reseller, actor=actor,
                                    request=request)
    relationship.status = Status_.APPROVED if approve else Status_.DECLINED
    relationship.decided_at = timezone.now()
    relationship.decided_by = actor
    relationship.save(update_fields=["status", "decided_at", "decided_by"])
    action = "relationship.approved" if approve else "relationship.declined"
    organizations = [relationship.provider, relationship.customer]
    data = {"reseller": relationship.reseller.name}
    if approve:
        organizations.append(relationship.reseller)
        if previous is not None:
            # Change reseller: the reseller that lost the customer sees it in its log too.
            organizations.append(previous)
            data["previous_reseller"] = previous.name
    for organization in organizations:
        record(actor=actor, organization=organization, action=action, target=relationship,
               data=data, request=request)
    enqueue(send_relationship_notice, relationship_id=str(relationship.pk),
            key=f"relationship:{relationship.pk}:answer")
    emit(f"relationship_request.{relationship.status}", relationship,
         organizations=[relationship.provider, relationship.reseller], key=relationship.pk)
    return relationship


def _change_reseller(*, customer: Customer, reseller: Organization, actor: User,
                     request: HttpRequest | None) -> Organization | None:
    """`reseller` becomes the customer's delegated admin. When another reseller had it
    (Change reseller), the open subscriptions credited to or supported by that one move to
    `reseller`, with the support requests about them; the other requests it handled for the
    customer go to the provider (the hooks of subscriptions and customers). Returns the
    reseller replaced, or None."""
    previous = customer.reseller
    if previous is not None and previous.pk != reseller.pk:
        subscriptions_transfer_reseller(customer=customer, from_org=previous, to_org=reseller,
                                        actor=actor, request=request)
        customer_undelegate(customer=customer, actor=actor, request=request, audit=False)
    else:
        previous = None
    customer_delegate(customer=customer, reseller=reseller, actor=actor, request=request,
                      audit=False)
    return previous


@transaction.atomic
def relationship_request_withdraw(*, relationship: ResellerRelationshipRequest, actor: User,
                                  request: HttpRequest | None = None
                                  ) -> ResellerRelationshipRequest:
    relationship = _lock_relationship(relationship)
    relationship.status = ResellerRelationshipRequest.Status.WITHDRAWN
    relationship.decided_at = timezone.now()
    relationship.decided_by = actor
    relationship.save(update_fields=["status", "decided_at", "decided_by"])
    for organization in (relationship.provider, relationship.customer):
        record(actor=actor, organization=organization, action="relationship.withdrawn",
               target=relationship, request=request)
    return relationship


@transaction.atomic
def customer_remove_reseller(*, customer: Customer, actor: User,
                             request: HttpRequest | None = None) -> Customer:
    """The customer's admin ends a reseller's delegated access. Subscriptions stay; the
    reseller's support designations go back to the provider."""
    reseller = customer_undelegate(customer=customer, actor=actor, request=request,
                                   audit=False)
    if reseller is None:
        raise DomainError(_("No reseller manages your account."))
    moved = support_contacts_reassign(customer=customer, from_org=reseller,
                                      to_org=customer.provider)
    for organization in (customer.organization, customer.provider, reseller):
        record(actor=actor, organization=organization, action="relationship.removed",
               target=customer.organization,
               data={"reseller": reseller.name, "support_moved_to_provider": moved},
               request=request)
    return customer

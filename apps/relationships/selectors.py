"""Reseller relationship reads, as the provider that asks or the customer that answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from apps.customers.selectors import customer_for_organization
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails

from .models import ResellerRelationshipRequest

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.customers.models import Customer
    from apps.organizations.models import Organization


def relationship_history(*, provider: Organization, customer_organization: Organization
                         ) -> QuerySet[ResellerRelationshipRequest]:
    return (ResellerRelationshipRequest.objects
            .filter(provider=provider, customer=customer_organization)
            .select_related("reseller", "requested_by", "decided_by").order_by("-created_at"))


def relationship_get(*, provider: Organization | None = None,
                     customer_organization: Organization | None = None,
                     pk: UUID) -> ResellerRelationshipRequest:
    """A relationship request as its provider or as its customer sees it; else 404."""
    qs = ResellerRelationshipRequest.objects.select_related("provider", "customer", "reseller")
    if provider is not None:
        qs = qs.filter(provider=provider)
    elif customer_organization is not None:
        qs = qs.filter(customer=customer_organization)
    else:
        raise ValueError("Give provider or customer_organization.")
    return get_object_or_404(qs, pk=pk)


def customer_relationships(*, customer_organization: Organization
                           ) -> tuple[Customer, list[ResellerRelationshipRequest]]:
    """What a customer's Partners page shows: its provider and reseller with contact
    details, and the reseller requests waiting for its answer."""
    customer = customer_for_organization(organization=customer_organization)
    pending = (ResellerRelationshipRequest.objects
               .filter(customer=customer_organization,
                       status=ResellerRelationshipRequest.Status.PENDING)
               .select_related("provider", "reseller", "reseller__reseller"))
    return customer, list(pending)


def provider_contact_emails(*, customer: Customer, limit: int = 3) -> list[str]:
    """Whom a customer writes to at its provider: its helpdesk agents, else its admins."""
    provider = customer.provider
    return (member_emails(organization=provider, roles=[Role.HELPDESK])
            or member_emails(organization=provider, roles=[Role.ADMIN]))[:limit]

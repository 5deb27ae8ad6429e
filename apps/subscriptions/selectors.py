"""Subscription reads: scoped to the organization asking, or to a customer that the caller
has already scoped (apps.customers.selectors.customer_get)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db.models import (
    Aggregate,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.audit.selectors import audit_events_about
from apps.organizations.roles import Kind
from apps.organizations.selectors import organization_list
from apps.partnerships.selectors import partnered_resellers

from .history import HistoryEntry, describe
from .models import Subscription

if TYPE_CHECKING:
    from collections.abc import Iterable
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.catalog.models import Offer
    from apps.organizations.models import Organization

    # customers.Customer: customers sits above subscriptions, which cannot name it.
    Customer: TypeAlias = Any


def subscription_list(*, organization: Organization) -> QuerySet[Subscription]:
    if organization.kind == Kind.PROVIDER:
        # The provider column (the customer's provider): a count reads one index, no join.
        qs = Subscription.objects.filter(provider=organization)
    elif organization.kind == Kind.RESELLER:
        qs = Subscription.objects.filter(customer__reseller=organization)
    else:
        qs = Subscription.objects.filter(customer__organization=organization)
    return (qs.select_related("offer", "customer__organization", "reseller_of_record",
                              "support_contact", "replaced_by__offer")
            .order_by("customer__organization__name", "offer__name"))


def subscription_list_for_customer(*, customer: Customer) -> QuerySet[Subscription]:
    """A customer's subscriptions: open ones first (active, suspended), then replaced ones."""
    status = Subscription.Status
    rank = Case(When(status=status.ACTIVE, then=Value(0)),
                When(status=status.SUSPENDED, then=Value(1)),
                default=Value(2), output_field=IntegerField())
    # Customer is untyped here (see above): the relation gives what this says.
    subscriptions: QuerySet[Subscription] = customer.subscriptions.select_related(
        "offer", "reseller_of_record", "support_contact", "replaced_by__offer")
    return subscriptions.annotate(rank=rank).order_by("rank", "offer__name", "created_at")


def _per_customer(queryset: QuerySet[Subscription], aggregate: Aggregate,
                  customer: OuterRef) -> Coalesce:
    """A correlated subquery: one number per customer row, computed for the rows shown."""
    value = (queryset.filter(customer=customer).order_by().values("customer")
             .annotate(n=aggregate).values("n")[:1])
    return Coalesce(Subquery(value, output_field=IntegerField()), Value(0))


def subscription_totals(*, customer: OuterRef) -> dict[str, Coalesce]:
    """Annotations for a list of customers (`customer`: each row's customer, an OuterRef):
    its open subscriptions (active or suspended) and its active licenses.

    They are correlated subqueries rather than a join with GROUP BY: PostgreSQL then
    computes them for the page's rows only.
    """
    status = Subscription.Status
    open_ = Subscription.objects.filter(status__in=[status.ACTIVE, status.SUSPENDED])
    return {
        "subscription_count": _per_customer(open_, Count("pk"), customer),
        "license_count": _per_customer(open_.filter(status=status.ACTIVE), Sum("quantity"),
                                       customer),
    }


def subscription_totals_sql(customer_id: str) -> tuple[str, str]:
    """subscription_totals as SQL, for a page read through a cursor: the open subscriptions
    and the active licenses of the customer whose id is the column `customer_id` (quoted
    by the caller, e.g. `c."organization_id"`), as two correlated subqueries."""
    table = Subscription._meta.db_table
    status = Subscription.Status
    return (
        f'(SELECT count(*) FROM "{table}" s WHERE s."customer_id" = {customer_id} '  # noqa: S608
        f"AND s.\"status\" IN ('{status.ACTIVE.value}', '{status.SUSPENDED.value}'))",
        f'(SELECT coalesce(sum(s."quantity"), 0) FROM "{table}" s '  # noqa: S608
        f"WHERE s.\"customer_id\" = {customer_id} AND s.\"status\" = '{status.ACTIVE.value}')",
    )


def subscription_get(*, customer: Customer, pk: UUID) -> Subscription:
    """One subscription of a customer already scoped by customers.selectors.customer_get:
    a subscription of another customer (or another provider's) is a 404."""
    return get_object_or_404(
        Subscription.objects.filter(customer=customer)
        .select_related("offer", "reseller_of_record", "support_contact", "replaced_by__offer",
                        "replaces__offer"),
        pk=pk)


def active_subscriptions_of_offers(*, customer: Customer,
                                   offer_ids: Iterable[UUID]) -> QuerySet[Subscription]:
    """The customer's active subscriptions of these offers, oldest first (Add subscription
    warns when an offer is already there)."""
    return (Subscription.objects
            .filter(customer=customer, status=Subscription.Status.ACTIVE,
                    offer_id__in=list(offer_ids))
            .select_related("offer").order_by("created_at", "pk"))


def support_contact_choices(*, provider: Organization) -> QuerySet[Organization]:
    """Who can be a designated support contact: the provider itself, then its partnered
    resellers by name."""
    return (organization_list()
            .filter(Q(pk=provider.pk) | Q(pk__in=partnered_resellers(provider=provider)
                                               .values("pk")))
            .annotate(rank=Case(When(pk=provider.pk, then=Value(0)), default=Value(1),
                                output_field=IntegerField()))
            .order_by("rank", "name"))


def upgrade_offers(*, subscription: Subscription) -> QuerySet[Offer]:
    """The active offers on the subscription's upgrade path."""
    return subscription.offer.upgrades_to.filter(is_active=True).order_by("name")


HISTORY_LIMIT = 50


def subscription_history(*, subscription: Subscription,
                         viewer: Organization | None) -> list[HistoryEntry]:
    """The subscription's audit events, newest first (its predecessor's too, after an
    upgrade), each described for a person. Who acted is shown by e-mail to the acting
    organization itself and by organization name to anyone else."""
    ids = [subscription.pk]
    predecessor = getattr(subscription, "replaces", None)
    if predecessor is not None:
        ids.append(predecessor.pk)
    events = (audit_events_about(model=Subscription, ids=ids)
              .select_related("organization").order_by("-at")[:HISTORY_LIMIT])
    return [describe(event, viewer=viewer) for event in events]


def subscriptions_renewing_within(*, organization: Organization, days: int,
                                  today: date | None = None) -> QuerySet[Subscription]:
    """The active, auto-renewing subscriptions whose term ends within `days` of `today`
    (today included), soonest first: a provider's, or those a reseller is reseller of
    record for. Read only: the term engine renews them."""
    today = today or timezone.localdate()
    qs = Subscription.objects.filter(status=Subscription.Status.ACTIVE, auto_renew=True,
                                     term_end__gte=today,
                                     term_end__lte=today + timedelta(days=days))
    if organization.kind == Kind.PROVIDER:
        qs = qs.filter(provider=organization)
    elif organization.kind == Kind.RESELLER:
        qs = qs.filter(reseller_of_record=organization)
    else:
        qs = qs.none()
    return (qs.select_related("offer", "customer__organization", "reseller_of_record")
            .order_by("term_end", "customer__organization__name", "pk"))


def subscriptions_billed_monthly(*, provider_id: Any,
                                 also: Iterable[Any] = ()) -> QuerySet[Subscription]:
    """The provider's open subscriptions of monthly-billed offers, and those of `also` (ids,
    or a query of ids, of subscriptions that closed during the month being billed): billing
    charges each a month."""
    return (Subscription.objects.filter(provider_id=provider_id,
                                        offer__billing_period="monthly")
            .filter(Q(status__in=[Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED])
                    | Q(pk__in=also)).order_by())

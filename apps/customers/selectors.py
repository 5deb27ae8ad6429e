"""Customer reads: a provider sees its customers, a reseller the customers delegated to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.i18n import name_order
from apps.organizations.roles import Kind
from apps.organizations.selectors import organization_list
from apps.partnerships.selectors import active_partnerships
from apps.prepared import execute_prepared
from apps.subscriptions.selectors import subscription_totals, subscription_totals_sql

from .models import Customer

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.organizations.models import Organization


def customer_list(*, organization: Organization,
                  both_parties: bool = False) -> QuerySet[Customer]:
    """The customers an organization sees, with their open subscriptions and active licenses.

    The counts are correlated subqueries rather than a join with GROUP BY: PostgreSQL then
    computes them for the page's rows only, and a page of a provider with tens of thousands
    of customers stays a sort plus 25 small lookups.

    Ordered by the customer's own name (then pk), the key of the indexes (provider, name,
    pk), (provider, reseller, name, pk) and (reseller, name, pk) of active customers: the
    ids of a page, filtered by reseller or not, come from an index-only scan in order.
    """
    if organization.kind not in (Kind.PROVIDER, Kind.RESELLER):
        return Customer.objects.none()
    # The other party a row names: a provider sees the reseller, a reseller the provider.
    # The API names both (both_parties).
    others = (["provider", "reseller"] if both_parties
              else ["reseller" if organization.kind == Kind.PROVIDER else "provider"])
    qs = _customers_of(organization).select_related(*others)
    # The list's columns only (the customer's own name is its organization's): a row of
    # the page is a small object, not the customer, its organization and both partners.
    return (qs.only(*LIST_FIELDS, *(f"{other}__name" for other in others))
            .annotate(**subscription_totals(customer=OuterRef("pk")))
            .order_by(name_order("name"), "pk"))


LIST_FIELDS = ("organization", "name", "provider", "reseller", "status", "domain_prefix",
               "created_at")


def customer_keys(*, organization: Organization) -> QuerySet[Customer]:
    """The Customers page's list before its page is cut: the customers the organization
    sees, in customer_list's order, with nothing worked out per row. The page's filters and
    sorts apply to it (a sort by the totals adds them: customers.tables), and its page of
    keys comes from an index; customer_page_rows then reads the page's rows."""
    return _customers_of(organization).order_by(name_order("name"), "pk")


class CustomerRow(NamedTuple):
    """A row of the Customers page: `other` is the reseller's name for a provider (None:
    a direct customer), the provider's for a reseller."""

    pk: UUID
    name: str
    status: str
    domain_prefix: str
    other: str | None
    subscription_count: int
    license_count: int
    created_at: datetime

    def get_status_display(self) -> str:
        return str(Customer.Status(self.status).label)


def customer_page_rows(*, organization: Organization, keys: list[UUID]) -> dict[UUID, CustomerRow]:
    """The rows of a page of customer_keys, by key: the customer_list columns of these
    customers only, still among those the organization sees.

    On PostgreSQL one statement through a cursor, as plain tuples: the same SQL as the
    ORM's (the totals are the subscriptions' correlated subqueries), without building the
    annotated queryset and a model instance per row, which cost the page about 3 ms of CPU.
    """
    if connection.vendor != "postgresql":
        others = "reseller" if organization.kind == Kind.PROVIDER else "provider"
        rows = (_customers_of(organization).filter(pk__in=keys)
                .annotate(**subscription_totals(customer=OuterRef("pk")))
                .values_list("pk", "name", "status", "domain_prefix", f"{others}__name",
                             "subscription_count", "license_count", "created_at"))
        return {row[0]: CustomerRow(*row) for row in rows}
    customers = Customer._meta.db_table
    organizations = Customer._meta.get_field("provider").related_model._meta.db_table
    if organization.kind == Kind.PROVIDER:
        where, other = 'c."provider_id" = %s', 'c."reseller_id"'
    elif organization.kind == Kind.RESELLER:
        where = f'c."reseller_id" = %s AND c."status" = \'{Customer.Status.ACTIVE.value}\''
        other = 'c."provider_id"'
    else:
        return {}
    subscriptions, licenses = subscription_totals_sql('c."organization_id"')
    with connection.cursor() as cursor:
        execute_prepared(
            cursor,
            f'SELECT c."organization_id", c."name", c."status", c."domain_prefix", o."name", '  # noqa: S608 (names of ours; values are parameters)
            f'{subscriptions}, {licenses}, c."created_at" FROM "{customers}" c '
            f'LEFT JOIN "{organizations}" o ON o."id" = {other} '
            f'WHERE {where} AND c."organization_id" = ANY(%s)', [organization.pk, list(keys)])
        return {row[0]: CustomerRow(*row) for row in cursor.fetchall()}


def _customers_of(organization: Organization) -> QuerySet[Customer]:
    """The customers an organization sees, bare (no columns worked out): for counting."""
    if organization.kind == Kind.PROVIDER:
        return Customer.objects.filter(provider=organization)
    if organization.kind == Kind.RESELLER:
        # Delegated access starts when provisioning completes.
        return Customer.objects.filter(reseller=organization, status=Customer.Status.ACTIVE)
    return Customer.objects.none()


def customer_search(queryset: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """The customers of `queryset` whose name or domain prefix contains `term` (any case;
    any part of a Chinese name)."""
    term = term.strip()
    if not term:
        return queryset
    return queryset.filter(Q(name__icontains=term) | Q(domain_prefix__icontains=term))


def customer_total_key(organization: Organization) -> str:
    """The cache key of the organization's kept total (customer_total)."""
    return f"customers:total:{organization.pk}"


def customer_total(*, organization: Organization) -> tuple[int, bool]:
    """How many customers `organization` sees (customer_list unfiltered), and whether the
    number is exact.

    Counted (an index-only scan) unless the cache has the number: a total of at least
    PORTAL_CACHED_TOTAL_FROM is kept there PORTAL_CACHED_TOTAL_SECONDS, and read back as not
    exact (the page says "about"). A new customer forgets its provider's total.
    """
    cached = customer_total_kept(organization=organization)
    if cached is not None:
        return cached, False
    # The bare rows: building the list's column subqueries only to count cost more than
    # the count itself.
    total = _customers_of(organization).count()
    customer_total_keep(organization=organization, total=total)
    return total, True


def customer_total_kept(*, organization: Organization) -> int | None:
    """The cached total of customer_total, or None (not kept, or the cache is down)."""
    cached = cache.get(customer_total_key(organization))
    return cached if isinstance(cached, int) else None


def customer_total_keep(*, organization: Organization, total: int) -> None:
    """An exact total of the organization's customers, just counted (a page counts it with
    its keys): kept when it is long enough to be shown as "about" (customer_total)."""
    if total >= settings.PORTAL_CACHED_TOTAL_FROM:
        cache.set(customer_total_key(organization), total, settings.PORTAL_CACHED_TOTAL_SECONDS)


def customer_total_forget(*, organization: Organization) -> None:
    """The organization's customers changed: its next total is counted again."""
    cache.delete(customer_total_key(organization))


def customer_reseller_choices(*, provider: Organization) -> QuerySet[Organization]:
    """The resellers the Customers page filters by: partnered ones, and any reseller still
    delegated one of the provider's customers (a partnership may have ended)."""
    partnered = active_partnerships(provider=provider).filter(reseller=OuterRef("pk"))
    delegated = Customer.objects.filter(provider=provider, reseller=OuterRef("pk"))
    return (organization_list(kind=Kind.RESELLER)
            .filter(Q(Exists(partnered)) | Q(Exists(delegated)))
            .only("pk", "name").order_by("name"))


def customer_get(*, organization: Organization, pk: UUID) -> Customer:
    """One customer as its provider, or as the reseller it is delegated to, sees it; else 404.

    A reseller's delegated access starts when provisioning completes (status active).
    """
    if organization.kind == Kind.PROVIDER:
        qs = Customer.objects.filter(provider=organization)
    elif organization.kind == Kind.RESELLER:
        qs = Customer.objects.filter(reseller=organization, status=Customer.Status.ACTIVE)
    else:
        raise Http404
    return get_object_or_404(qs.select_related("organization", "provider", "reseller"), pk=pk)


def admin_username(domain_prefix: str) -> str:
    """The customer admin's sign-in name: admin@<prefix>.<CUSTOMER_DOMAIN_SUFFIX>."""
    return f"admin@{domain_prefix}.{settings.CUSTOMER_DOMAIN_SUFFIX}"


def domain_prefix_available(prefix: str) -> bool:
    """True when no customer has the prefix and no account has its admin user name."""
    if Customer.objects.filter(domain_prefix__iexact=prefix).exists():
        return False
    return not get_user_model().objects.filter(email__iexact=admin_username(prefix)).exists()


def customer_for_organization(*, organization: Organization) -> Customer:
    """The customer record of a customer organization, with its provider's and reseller's
    details (its Partners page)."""
    return (Customer.objects.select_related("provider", "provider__provider", "reseller",
                                            "reseller__reseller")
            .get(organization=organization))

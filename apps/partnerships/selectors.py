"""Partnership and partnership-request reads, scoped to the provider or reseller asking.

Customers and subscriptions sit above partnerships: their rows are read here only through
the organizations' reverse relations (`provider_customers`, `delegated_customers`,
`provider_subscriptions`, `supported_subscriptions`), never through their models.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict
from urllib.parse import urlsplit
from uuid import UUID

from django.db import connection
from django.db.models import Count, Exists, IntegerField, Model, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone

from apps.i18n import name_order
from apps.organizations.roles import Kind
from apps.organizations.selectors import organization_list

from .models import Partnership, PartnershipInvitation
from .tokens import invitation_id_from_token, invitation_link, invitation_path

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.accounts.models import User
    from apps.organizations.models import Membership, Organization


class PartnershipEndEffects(TypedDict):
    customer_count: int
    customers: list[Model]  # customers.Customer rows (customers sits above partnerships)
    support_count: int


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """A correlated COUNT subquery: one number per row, no row multiplication. COUNT(*):
    nothing but the filter's columns is read, so an index can answer alone."""
    counts = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def partnership_list(*, provider: Organization | None = None,
                     reseller: Organization | None = None, search: str = "",
                     count_credited: bool = True) -> QuerySet[Partnership]:
    """Active partnerships of one provider (with counts) or of one reseller.

    `count_credited=False` leaves out the per-row count of credited subscriptions (the
    costly one at scale): pages that do not sort by it fill it for their rows with
    `credited_subscription_counts()`.
    """
    if (provider is None) == (reseller is None):
        raise ValueError("Give exactly one of provider or reseller.")
    qs = Partnership.objects.filter(status=Partnership.Status.ACTIVE)
    if provider is None:
        return qs.filter(reseller=reseller).select_related("provider").order_by("provider__name")
    customers = provider.provider_customers.filter(reseller=OuterRef("reseller"))
    qs = (qs.filter(provider=provider)
          .select_related("provider", "reseller", "reseller__reseller")
          .annotate(customer_count=_count(customers, "reseller")))
    if count_credited:
        credited = provider.provider_subscriptions.filter(
            reseller_of_record=OuterRef("reseller"))
        qs = qs.annotate(subscription_count=_count(credited, "reseller_of_record"))
    if search:
        qs = qs.filter(Q(reseller__name__icontains=search)
                       | Q(reseller__reseller__partner_id__icontains=search))
    return qs.order_by(name_order("reseller__name"))


def partnership_keys(*, provider: Organization, search: str = "",
                     count_customers: bool = False,
                     count_credited: bool = False) -> QuerySet[Partnership]:
    """The Indirect resellers page's partnerships as bare keys to sort, count and page, by
    `reseller_name`, with `customer_count` or `subscription_count` only when the page sorts
    by it. The page's rows are read by `partnership_page_rows`.

    The name is a per-row subquery, not a join: a join sorted by the name of another table
    made PostgreSQL hash every organization of the database (20,000 and more) to sort the
    provider's 200 partnerships; the subquery reads 200 names by primary key. The count
    and the page's keys read no other table."""
    reseller = organization_list().filter(pk=OuterRef("reseller_id"))
    qs = Partnership.objects.filter(provider=provider, status=Partnership.Status.ACTIVE)
    if search:
        qs = qs.filter(Q(reseller__name__icontains=search)
                       | Q(reseller__reseller__partner_id__icontains=search))
    counts: dict[str, Any] = {}
    if count_customers:
        counts["customer_count"] = _count(
            provider.provider_customers.filter(reseller=OuterRef("reseller")), "reseller")
    if count_credited:
        counts["subscription_count"] = _count(
            provider.provider_subscriptions.filter(reseller_of_record=OuterRef("reseller")),
            "reseller_of_record")
    return (qs.annotate(reseller_name=Subquery(reseller.values("name")[:1]), **counts)
            .order_by(name_order("reseller_name"), "pk"))


class PartnerRow(NamedTuple):
    """A row of the Indirect resellers page, as plain values."""

    pk: UUID
    reseller_id: UUID
    name: str
    partner_id: str | None
    country: str  # the reseller's country code ("" when none)
    accepted_at: datetime | None
    customer_count: int
    subscription_count: int


def partnership_page_rows(*, provider: Organization,
                          keys: list[UUID]) -> dict[UUID, PartnerRow]:
    """The rows of a page of `partnership_keys`, by key: each active partnership of these
    keys with its reseller's name, partner id and country, its customers at this provider
    and the subscriptions of this provider's customers it is reseller of record for.

    On PostgreSQL one statement through a cursor, as plain tuples: the customers counted
    per row (an index-only count each, 25 rows), the credited subscriptions by one grouped
    count over the page's resellers (`credited_subscription_counts`' query, joined here:
    one round trip less; per-row counts read about three times the heap blocks), without
    building an annotated queryset and model instances per row."""
    if not keys:
        return {}
    if connection.vendor != "postgresql":
        page: Any = partnership_list(provider=provider).filter(pk__in=keys)  # annotated
        rows = page.values_list("pk", "reseller_id", "reseller__name",
                                "reseller__reseller__partner_id", "reseller__country",
                                "accepted_at", "customer_count", "subscription_count")
        return {row[0]: PartnerRow(*row) for row in rows}
    organization: Any = Partnership._meta.get_field("reseller").related_model
    profile: Any = organization._meta.get_field("reseller").related_model  # resellers.Reseller
    customer = provider.provider_customers.model._meta
    subscription = provider.provider_subscriptions.model._meta

    def column(meta: Any, name: str) -> str:
        return f'"{meta.get_field(name).column}"'

    partnerships = Partnership._meta
    sql = (
        f'SELECT p."id", p."reseller_id", o."name", r."partner_id", o."country", '  # noqa: S608 (names of ours; values are parameters)
        f'p."accepted_at", '
        f'(SELECT COUNT(*) FROM "{customer.db_table}" c '
        f'WHERE c.{column(customer, "provider")} = %s '
        f'AND c.{column(customer, "reseller")} = p."reseller_id"), '
        f'COALESCE(credited.n, 0) '
        f'FROM "{partnerships.db_table}" p '
        f'INNER JOIN "{organization._meta.db_table}" o ON o."id" = p."reseller_id" '
        f'LEFT JOIN "{profile._meta.db_table}" r '
        f'ON r.{column(profile._meta, "organization")} = o."id" '
        f'LEFT JOIN (SELECT s.{column(subscription, "reseller_of_record")} AS reseller_id, '
        f'COUNT(*) AS n FROM "{subscription.db_table}" s '
        f'WHERE s.{column(subscription, "provider")} = %s '
        f'AND s.{column(subscription, "reseller_of_record")} = ANY(ARRAY('
        f'SELECT k."reseller_id" FROM "{partnerships.db_table}" k WHERE k."id" = ANY(%s))) '
        f'GROUP BY 1) credited '
        f'ON credited.reseller_id = p."reseller_id" '
        f'WHERE p."provider_id" = %s AND p."status" = %s AND p."id" = ANY(%s)')
    keys = list(keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, [provider.pk, provider.pk, keys, provider.pk,
                             Partnership.Status.ACTIVE.value, keys])
        return {row[0]: PartnerRow(*row) for row in cursor.fetchall()}


def credited_subscription_counts(*, provider: Organization,
                                 reseller_ids: Iterable[UUID]) -> dict[UUID, int]:
    """{reseller id: subscriptions of this provider's customers it is reseller of record for},
    in one grouped query: an index-only scan of subscriptions (provider, reseller of record)
    over these resellers, no join."""
    rows = (provider.provider_subscriptions
            .filter(reseller_of_record__in=list(reseller_ids))
            .order_by().values("reseller_of_record")
            .annotate(n=Count("*")))
    return {row["reseller_of_record"]: row["n"] for row in rows}


def partnership_history(*, reseller: Organization) -> QuerySet[Partnership]:
    """Every partnership of a reseller, active and ended, for its Providers page."""
    return (Partnership.objects.filter(reseller=reseller).select_related("provider")
            .order_by("status", "provider__name", "-accepted_at"))


def partnership_get(*, provider: Organization, pk: UUID) -> Partnership:
    return get_object_or_404(Partnership.objects.select_related("provider", "reseller"),
                             provider=provider, pk=pk)


def partnership_is_active(*, provider: Organization, reseller: Organization) -> bool:
    """True when the provider and the reseller partner today."""
    return Partnership.objects.filter(provider=provider, reseller=reseller,
                                      status=Partnership.Status.ACTIVE).exists()


def active_partnerships(*, provider: Organization) -> QuerySet[Partnership]:
    """The provider's active partnerships, bare (for subqueries such as Exists)."""
    return Partnership.objects.filter(provider=provider, status=Partnership.Status.ACTIVE)


def partnered_resellers(*, provider: Organization) -> QuerySet[Organization]:
    """Approved resellers in an active partnership with the provider: the ones it sells through."""
    return (organization_list(kind=Kind.RESELLER)
            .filter(is_active=True,
                    provider_partnerships__provider=provider,
                    provider_partnerships__status=Partnership.Status.ACTIVE,
                    reseller__enrollment_status="approved")
            .distinct().order_by("name"))


def partnership_end_effects(*, partnership: Partnership) -> PartnershipEndEffects:
    """What ending the partnership changes, for the End partnership page: how many of the
    provider's customers the reseller manages (and the first 20 of them), and how many of
    their subscriptions it supports. The handlers of hooks.py make the same changes."""
    provider, reseller = partnership.provider, partnership.reseller
    customers = reseller.delegated_customers.filter(provider=provider)
    support = reseller.supported_subscriptions.filter(customer__provider=provider)
    return {
        "customer_count": customers.count(),
        "customers": list(customers.select_related("organization")[:20]),
        "support_count": support.count(),
    }


def invitation_list(*, provider: Organization, status: str = "",
                    search: str = "") -> QuerySet[PartnershipInvitation]:
    qs = (PartnershipInvitation.objects.filter(provider=provider)
          .select_related("created_by", "reseller", "provider", "accepted_by", "declined_by"))
    now = timezone.now()
    if status == PartnershipInvitation.Status.EXPIRED:
        qs = qs.filter(Q(status=status) | Q(status="pending", expires_at__lte=now))
    elif status == PartnershipInvitation.Status.PENDING:
        qs = qs.filter(status=status, expires_at__gt=now)
    elif status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(name__icontains=search))
    return qs.order_by("-created_at")


def invitation_get(*, provider: Organization, pk: UUID) -> PartnershipInvitation:
    return get_object_or_404(PartnershipInvitation.objects.select_related("provider"),
                             provider=provider, pk=pk)


def invitation_from_token(token: str) -> PartnershipInvitation | None:
    """The invitation a personalized link names, or None for a tampered or malformed link."""
    found = invitation_id_from_token(token)
    if found is None:
        return None
    invitation_id, _expired = found
    return (PartnershipInvitation.objects.select_related("provider", "reseller")
            .filter(pk=invitation_id).first())


def invitation_link_path(invitation: PartnershipInvitation) -> str:
    """The path of a request's personalized link (for pages that list waiting requests)."""
    return str(invitation_path(invitation))


def invitation_url(invitation: PartnershipInvitation) -> str:
    """The personalized link itself, absolute (what the draft e-mail carries)."""
    return str(invitation_link(invitation))


def invitations_for_reseller(*, reseller: Organization) -> QuerySet[PartnershipInvitation]:
    """Pending, unexpired requests addressed to the e-mail of any member of the reseller."""
    emails = reseller.memberships.values("user__email")
    # A provider it partners with already has nothing to ask.
    partnered = Partnership.objects.filter(provider=OuterRef("provider"), reseller=reseller,
                                           status=Partnership.Status.ACTIVE)
    return (PartnershipInvitation.objects
            .filter(status=PartnershipInvitation.Status.PENDING, expires_at__gt=timezone.now(),
                    email__in=emails)
            .exclude(Exists(partnered))
            .select_related("provider").order_by("-created_at"))


def waiting_invitations(*, reseller: Organization,
                        return_to: str = "") -> list[PartnershipInvitation]:
    """The requests a reseller can answer: the one whose link it enrolled from (`return_to`,
    even when sent to another address), then those addressed to any of its users."""
    invitations = list(invitations_for_reseller(reseller=reseller))
    token = _token_in_path(return_to)
    linked = invitation_from_token(token) if token else None
    if (linked is not None and linked.effective_status == PartnershipInvitation.Status.PENDING
            and linked not in invitations
            and not partnership_is_active(provider=linked.provider, reseller=reseller)):
        invitations.insert(0, linked)
    return invitations


def _token_in_path(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path or "").path or "/")
    except Resolver404:
        return None
    return match.kwargs.get("token") if match.url_name == "partnership_invitation" else None


def enrolment_waiting_requests(*, organization: Organization,
                               return_to: str) -> list[tuple[str, str]]:
    """(provider name, link path) of each waiting request, for the enrolment mails
    (registered with resellers.hooks)."""
    return [(invitation.provider.name, invitation_path(invitation))
            for invitation in waiting_invitations(reseller=organization, return_to=return_to)]


def invitation_addressed_to_member(*, invitation: PartnershipInvitation,
                                   reseller: Organization) -> bool:
    """True when one of the reseller's users has the address the request was sent to."""
    return reseller.memberships.filter(user__email__iexact=invitation.email).exists()


def invitations_answered(*, provider: Organization,
                         days: int = 30) -> QuerySet[PartnershipInvitation]:
    """The provider's requests accepted or declined in the last `days` days, newest first."""
    since = timezone.now() - timedelta(days=days)
    return (PartnershipInvitation.objects
            .filter(provider=provider, decided_at__gte=since,
                    status__in=[PartnershipInvitation.Status.ACCEPTED,
                                PartnershipInvitation.Status.DECLINED])
            .select_related("reseller", "accepted_by", "declined_by", "provider")
            .order_by("-decided_at"))


def reseller_admin_memberships(*, user: User) -> QuerySet[Membership]:
    """The reseller organizations a user can answer partnership requests for."""
    return (user.memberships.filter(role="admin", organization__kind="reseller",
                                    organization__is_active=True)
            .select_related("organization", "organization__reseller")
            .order_by("organization__name"))

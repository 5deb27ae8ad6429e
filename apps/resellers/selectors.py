"""Partnership and partnership-request reads, scoped to the provider or reseller asking."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.organizations.models import Membership

from .models import Partnership, PartnershipInvitation
from .tokens import invitation_id_from_token


def _count(queryset, group_by):
    """A correlated COUNT(*) subquery: one number per row, no row multiplication."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def partnership_list(*, provider=None, reseller=None, search="", count_credited=True):
    """Active partnerships of one provider (with counts) or of one reseller.

    `count_credited=False` leaves out the per-row count of credited subscriptions (the
    costly one at scale): pages that do not sort by it fill it for their rows with
    `credited_subscription_counts()`.
    """
    from apps.customers.models import Customer
    from apps.subscriptions.models import Subscription

    if (provider is None) == (reseller is None):
        raise ValueError("Give exactly one of provider or reseller.")
    qs = Partnership.objects.filter(status=Partnership.Status.ACTIVE)
    if provider is None:
        return qs.filter(reseller=reseller).select_related("provider").order_by("provider__name")
    customers = Customer.objects.filter(provider=provider, reseller=OuterRef("reseller"))
    credited = Subscription.objects.filter(customer__provider=provider,
                                           reseller_of_record=OuterRef("reseller"))
    qs = (qs.filter(provider=provider)
          .select_related("provider", "reseller", "reseller__reseller")
          .annotate(customer_count=_count(customers, "reseller")))
    if count_credited:
        qs = qs.annotate(subscription_count=_count(credited, "reseller_of_record"))
    if search:
        qs = qs.filter(Q(reseller__name__icontains=search)
                       | Q(reseller__reseller__partner_id__icontains=search))
    return qs.order_by("reseller__name")


def credited_subscription_counts(*, provider, reseller_ids):
    """{reseller id: subscriptions of this provider's customers it is reseller of record for},
    in one grouped query."""
    from apps.subscriptions.models import Subscription

    rows = (Subscription.objects.filter(customer__provider=provider,
                                        reseller_of_record__in=list(reseller_ids))
            .order_by().values("reseller_of_record").annotate(n=Count("pk")))
    return {row["reseller_of_record"]: row["n"] for row in rows}


def partnership_history(*, reseller):
    """Every partnership of a reseller, active and ended, for its Providers page."""
    return (Partnership.objects.filter(reseller=reseller).select_related("provider")
            .order_by("status", "provider__name", "-accepted_at"))


def partnership_get(*, provider, pk):
    return get_object_or_404(Partnership.objects.select_related("provider", "reseller"),
                             provider=provider, pk=pk)


def invitation_list(*, provider, status="", search=""):
    qs = (PartnershipInvitation.objects.filter(provider=provider)
          .select_related("created_by", "reseller", "provider"))
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


def invitation_get(*, provider, pk):
    return get_object_or_404(PartnershipInvitation.objects.select_related("provider"),
                             provider=provider, pk=pk)


def invitation_from_token(token):
    """The invitation a personalized link names, or None for a tampered or malformed link."""
    found = invitation_id_from_token(token)
    if found is None:
        return None
    invitation_id, _expired = found
    return (PartnershipInvitation.objects.select_related("provider", "reseller")
            .filter(pk=invitation_id).first())


def invitations_for_reseller(*, reseller):
    """Pending, unexpired requests addressed to the e-mail of any member of the reseller."""
    emails = Membership.objects.filter(organization=reseller).values("user__email")
    return (PartnershipInvitation.objects
            .filter(status=PartnershipInvitation.Status.PENDING, expires_at__gt=timezone.now(),
                    email__in=emails)
            .select_related("provider").order_by("-created_at"))


def reseller_admin_memberships(*, user):
    """The reseller organizations a user can answer partnership requests for."""
    return (Membership.objects.filter(user=user, role="admin", organization__kind="reseller",
                                      organization__is_active=True)
            .select_related("organization", "organization__reseller")
            .order_by("organization__name"))


def relationship_history(*, provider, customer_organization):
    from .models import ResellerRelationshipRequest

    return (ResellerRelationshipRequest.objects
            .filter(provider=provider, customer=customer_organization)
            .select_related("reseller", "requested_by", "decided_by").order_by("-created_at"))


def relationship_get(*, provider=None, customer_organization=None, pk):
    """A relationship request as its provider or as its customer sees it; else 404."""
    from .models import ResellerRelationshipRequest

    qs = ResellerRelationshipRequest.objects.select_related("provider", "customer", "reseller")
    if provider is not None:
        qs = qs.filter(provider=provider)
    elif customer_organization is not None:
        qs = qs.filter(customer=customer_organization)
    else:
        raise ValueError("Give provider or customer_organization.")
    return get_object_or_404(qs, pk=pk)


def customer_relationships(*, customer_organization):
    """What a customer's Partners page shows: its provider and reseller with contact
    details, and the reseller requests waiting for its answer."""
    from apps.customers.models import Customer

    from .models import ResellerRelationshipRequest

    customer = (Customer.objects.select_related("provider", "provider__provider", "reseller",
                                                "reseller__reseller")
                .get(organization=customer_organization))
    pending = (ResellerRelationshipRequest.objects
               .filter(customer=customer_organization,
                       status=ResellerRelationshipRequest.Status.PENDING)
               .select_related("provider", "reseller", "reseller__reseller"))
    return customer, list(pending)


def incentive_subscriptions(*, reseller, month=None):
    """Subscriptions the reseller is reseller of record for (its incentive-eligible ones).

    With `month` (a date on the month's first day), only those active during that month.
    """
    import calendar

    from django.db.models import DecimalField, ExpressionWrapper, F

    from apps.subscriptions.models import Subscription

    qs = (Subscription.objects.filter(reseller_of_record=reseller)
          .select_related("offer", "customer__organization", "customer__provider")
          .annotate(monthly_value=ExpressionWrapper(
              F("quantity") * F("offer__unit_price"),
              output_field=DecimalField(max_digits=14, decimal_places=2))))
    if month is not None:
        last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        qs = qs.filter(status=Subscription.Status.ACTIVE, term_start__lte=last_day,
                       term_end__gte=month)
    return qs.order_by("customer__organization__name", "offer__name")

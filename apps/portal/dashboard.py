"""Figures shown on each kind of workspace home."""

from django.db.models import Count, Q, Sum, Window
from django.urls import reverse

from apps.audit.selectors import audit_event_list
from apps.customers.selectors import customer_list
from apps.incentives.selectors import incentive_subscriptions
from apps.orders.selectors import order_list
from apps.organizations.roles import Kind, has_permission
from apps.partnerships.selectors import (
    invitation_link_path,
    invitation_list,
    invitations_answered,
    partnership_list,
    waiting_invitations,
)
from apps.resellers.selectors import reseller_get
from apps.subscriptions.selectors import subscription_list, subscriptions_renewing_within

from .activity import activities

RECENT = 8
# Renewals due within this many days are listed; the dashboard shows the first RENEWALS.
RENEWAL_DAYS = 30
RENEWALS = 10
WAITING = 5
FAILED = 5


def _recent(request, organization):
    return activities(audit_event_list(organization=organization)[:RECENT],
                      organization=organization, membership=request.membership,
                      user_id=request.user.pk)


def _first(queryset, n):
    """The first `n` rows and how many there are in all, in one query (a window count,
    taken before the limit)."""
    rows = list(queryset.annotate(in_all=Window(Count("pk")))[:n])
    return rows, (rows[0].in_all if rows else 0)


def _renewals(request, organization):
    """The renewals due, each with its subscription's page where the viewer may open it (a
    reseller of record that no longer manages the customer may not)."""
    due = subscriptions_renewing_within(organization=organization, days=RENEWAL_DAYS)
    can_open = has_permission(request.membership, "subscriptions.view")
    renewals = []
    first, count = _first(due, RENEWALS)
    for subscription in first:
        customer = subscription.customer
        opens = can_open and (organization.kind == Kind.PROVIDER or (
            customer.reseller_id == organization.pk and customer.status == "active"))
        url = reverse("subscriptions:detail", kwargs={
            "org_slug": organization.slug, "customer_id": customer.pk,
            "subscription_id": subscription.pk}) if opens else ""
        renewals.append((subscription, url))
    return {"renewals": renewals, "renewal_count": count, "renewal_days": RENEWAL_DAYS}


def dashboard_context(request):
    organization = request.organization
    can_audit = has_permission(request.membership, "audit.view")
    if organization.kind == Kind.PROVIDER:
        orders = order_list(provider=organization).order_by().aggregate(
            open=Count("pk", filter=Q(status__in=["submitted", "provisioning"])),
            failed=Count("pk", filter=Q(status="failed")))
        pending, pending_count = _first(invitation_list(provider=organization,
                                                        status="pending"), WAITING)
        return {
            "reseller_count": partnership_list(provider=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
            "orders": orders,
            "failed_orders": (list(order_list(provider=organization).filter(status="failed")
                                   [:FAILED]) if orders["failed"] else []),
            "pending_invitations": pending,
            "pending_count": pending_count,
            "answered_invitations": list(invitations_answered(provider=organization)[:5]),
            "recent_activity": _recent(request, organization),
            "can_audit": can_audit,
            **_renewals(request, organization),
        }
    if organization.kind == Kind.RESELLER:
        credited = incentive_subscriptions(reseller=organization).filter(status="active")
        return {
            "provider_count": partnership_list(reseller=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
            "incentives": credited.aggregate(count=Count("pk"), licenses=Sum("quantity")),
            "waiting_invitations": [
                (invitation, invitation_link_path(invitation))
                for invitation in waiting_invitations(
                    reseller=organization,
                    return_to=reseller_get(organization=organization).return_to)[:10]],
            "recent_activity": _recent(request, organization),
            "can_audit": can_audit,
            **_renewals(request, organization),
        }
    return {"subscriptions": subscription_list(organization=organization)[:10],
            "recent_activity": _recent(request, organization), "can_audit": False}

"""Figures shown on each kind of workspace home."""

from django.db.models import Count, Q, Sum

from apps.audit.selectors import audit_event_list
from apps.customers.selectors import customer_list
from apps.incentives.selectors import incentive_subscriptions
from apps.orders.selectors import order_list
from apps.organizations.roles import Kind
from apps.partnerships.selectors import (
    invitation_link_path,
    invitations_answered,
    partnership_list,
    waiting_invitations,
)
from apps.resellers.selectors import reseller_get
from apps.subscriptions.selectors import subscription_list


def dashboard_context(organization):
    if organization.kind == Kind.PROVIDER:
        orders = order_list(provider=organization).order_by().aggregate(
            open=Count("pk", filter=Q(status__in=["submitted", "provisioning"])),
            failed=Count("pk", filter=Q(status="failed")))
        return {
            "reseller_count": partnership_list(provider=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
            "orders": orders,
            "answered_invitations": list(invitations_answered(provider=organization)[:5]),
            "recent_events": audit_event_list(organization=organization)[:8],
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
            "recent_events": audit_event_list(organization=organization)[:8],
        }
    return {"subscriptions": subscription_list(organization=organization)[:10]}

"""Figures shown on each kind of workspace home."""

from .roles import Kind


def dashboard_context(organization):
    from apps.customers.selectors import customer_list
    from apps.partnerships.selectors import partnership_list
    from apps.subscriptions.selectors import subscription_list

    if organization.kind == Kind.PROVIDER:
        from django.db.models import Count, Q

        from apps.audit.selectors import audit_event_list
        from apps.orders.selectors import order_list

        orders = order_list(provider=organization).order_by().aggregate(
            open=Count("pk", filter=Q(status__in=["submitted", "provisioning"])),
            failed=Count("pk", filter=Q(status="failed")))
        return {
            "reseller_count": partnership_list(provider=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
            "orders": orders,
            "recent_events": audit_event_list(organization=organization)[:8],
        }
    if organization.kind == Kind.RESELLER:
        from django.db.models import Count, Sum

        from apps.audit.selectors import audit_event_list
        from apps.incentives.selectors import incentive_subscriptions
        from apps.partnerships.selectors import invitations_for_reseller

        credited = incentive_subscriptions(reseller=organization).filter(status="active")
        return {
            "provider_count": partnership_list(reseller=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
            "incentives": credited.aggregate(count=Count("pk"), licenses=Sum("quantity")),
            "pending_invitation_count": invitations_for_reseller(reseller=organization).count(),
            "recent_events": audit_event_list(organization=organization)[:8],
        }
    return {"subscriptions": subscription_list(organization=organization)[:10]}

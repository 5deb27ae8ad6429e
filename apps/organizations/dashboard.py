"""Figures shown on each kind of workspace home."""

from .roles import Kind


def dashboard_context(organization):
    from apps.customers.selectors import customer_list
    from apps.resellers.selectors import partnership_list
    from apps.subscriptions.selectors import subscription_list

    if organization.kind == Kind.PROVIDER:
        return {
            "reseller_count": partnership_list(provider=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
        }
    if organization.kind == Kind.RESELLER:
        return {
            "provider_count": partnership_list(reseller=organization).count(),
            "customer_count": customer_list(organization=organization).count(),
            "subscription_count": subscription_list(organization=organization).count(),
        }
    return {"subscriptions": subscription_list(organization=organization)[:10]}

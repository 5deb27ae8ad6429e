"""Customer reads: a provider sees its customers, a reseller the customers delegated to it."""

from django.db.models import Count, Q, Sum

from apps.organizations.roles import Kind

from .models import Customer


def customer_list(*, organization):
    if organization.kind == Kind.PROVIDER:
        qs = Customer.objects.filter(provider=organization)
    elif organization.kind == Kind.RESELLER:
        qs = Customer.objects.filter(reseller=organization)
    else:
        return Customer.objects.none()
    return (qs.select_related("organization", "reseller", "provider")
            .annotate(subscription_count=Count("subscriptions", distinct=True),
                      license_count=Sum("subscriptions__quantity",
                                        filter=Q(subscriptions__status="active")))
            .order_by("organization__name"))


def customer_partners(*, customer_organization):
    """The provider and (if any) reseller serving a customer."""
    customer = (Customer.objects.select_related("provider", "reseller", "provider__provider",
                                                "reseller__reseller")
                .get(organization=customer_organization))
    return [org for org in (customer.provider, customer.reseller) if org is not None]

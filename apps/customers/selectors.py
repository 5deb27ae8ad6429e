"""Customer reads: a provider sees its customers, a reseller the customers delegated to it."""

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.organizations.roles import Kind

from .models import Customer


def customer_list(*, organization):
    if organization.kind == Kind.PROVIDER:
        qs = Customer.objects.filter(provider=organization)
    elif organization.kind == Kind.RESELLER:
        # Delegated access starts when provisioning completes.
        qs = Customer.objects.filter(reseller=organization, status=Customer.Status.ACTIVE)
    else:
        return Customer.objects.none()
    return (qs.select_related("organization", "reseller", "provider")
            .annotate(subscription_count=Count("subscriptions", distinct=True),
                      license_count=Sum("subscriptions__quantity",
                                        filter=Q(subscriptions__status="active")))
            .order_by("organization__name"))


def customer_get(*, organization, pk):
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


def customer_subscriptions(*, customer):
    return (customer.subscriptions.select_related("offer", "reseller_of_record",
                                                  "support_contact")
            .order_by("offer__name"))


def admin_username(domain_prefix):
    """The customer admin's sign-in name: admin@<prefix>.<CUSTOMER_DOMAIN_SUFFIX>."""
    return f"admin@{domain_prefix}.{settings.CUSTOMER_DOMAIN_SUFFIX}"


def domain_prefix_available(prefix):
    """True when no customer has the prefix and no account has its admin user name."""
    from django.contrib.auth import get_user_model

    if Customer.objects.filter(domain_prefix__iexact=prefix).exists():
        return False
    return not get_user_model().objects.filter(email__iexact=admin_username(prefix)).exists()


def partnered_resellers(*, provider):
    """Approved resellers in an active partnership with the provider: the ones it sells through."""
    from apps.organizations.models import Organization

    return (Organization.objects
            .filter(kind=Kind.RESELLER, is_active=True,
                    provider_partnerships__provider=provider,
                    provider_partnerships__status="active",
                    reseller__enrollment_status="approved")
            .distinct().order_by("name"))

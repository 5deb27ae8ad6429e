"""Subscription reads scoped to the organization asking."""

from apps.organizations.roles import Kind

from .models import Subscription


def subscription_list(*, organization):
    if organization.kind == Kind.PROVIDER:
        qs = Subscription.objects.filter(customer__provider=organization)
    elif organization.kind == Kind.RESELLER:
        qs = Subscription.objects.filter(customer__reseller=organization)
    else:
        qs = Subscription.objects.filter(customer__organization=organization)
    return (qs.select_related("offer", "customer__organization", "reseller_of_record",
                              "support_contact")
            .order_by("customer__organization__name", "offer__name"))

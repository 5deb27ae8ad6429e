"""Partnership reads, scoped to the provider or the reseller asking."""

from django.db.models import Count, Q

from .models import Partnership


def partnership_list(*, provider=None, reseller=None):
    """Active partnerships of one provider (with reseller details) or of one reseller."""
    if (provider is None) == (reseller is None):
        raise ValueError("Give exactly one of provider or reseller.")
    qs = Partnership.objects.filter(status=Partnership.Status.ACTIVE)
    if provider is not None:
        return (qs.filter(provider=provider)
                .select_related("reseller", "reseller__reseller")
                .annotate(customer_count=Count("reseller__delegated_customers",
                                               filter=Q(reseller__delegated_customers__provider=provider),
                                               distinct=True))
                .order_by("reseller__name"))
    return qs.filter(reseller=reseller).select_related("provider").order_by("provider__name")

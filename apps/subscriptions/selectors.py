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
                              "support_contact", "replaced_by__offer")
            .order_by("customer__organization__name", "offer__name"))


def subscription_get(*, customer, pk):
    """One subscription of a customer already scoped by customers.selectors.customer_get:
    a subscription of another customer (or another provider's) is a 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Subscription.objects.filter(customer=customer)
        .select_related("offer", "reseller_of_record", "support_contact", "replaced_by__offer",
                        "replaces__offer"),
        pk=pk)


def support_contact_choices(*, provider):
    """Who can be a designated support contact: the provider itself, then its partnered
    resellers by name."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from apps.organizations.models import Organization
    from apps.partnerships.selectors import partnered_resellers

    return (Organization.objects
            .filter(Q(pk=provider.pk) | Q(pk__in=partnered_resellers(provider=provider)
                                               .values("pk")))
            .annotate(rank=Case(When(pk=provider.pk, then=Value(0)), default=Value(1),
                                output_field=IntegerField()))
            .order_by("rank", "name"))


def upgrade_offers(*, subscription):
    """The active offers on the subscription's upgrade path."""
    return subscription.offer.upgrades_to.filter(is_active=True).order_by("name")


HISTORY_LIMIT = 50


def subscription_history(*, subscription, viewer):
    """The subscription's audit events, newest first (its predecessor's too, after an
    upgrade), each described for a person. Who acted is shown by e-mail to the acting
    organization itself and by organization name to anyone else."""
    from apps.audit.models import AuditEvent

    from .history import describe

    ids = [str(subscription.pk)]
    predecessor = getattr(subscription, "replaces", None)
    if predecessor is not None:
        ids.append(str(predecessor.pk))
    events = (AuditEvent.objects
              .filter(target_type=Subscription._meta.label_lower, target_id__in=ids)
              .select_related("organization").order_by("-at")[:HISTORY_LIMIT])
    return [describe(event, viewer=viewer) for event in events]

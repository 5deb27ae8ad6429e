"""Reseller enrolment and partnership use cases."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.organizations.roles import Kind
from apps.organizations.services import organization_create

from .models import Partnership, Reseller


@transaction.atomic
def reseller_create(*, name, country="", partner_id="", slug=None,
                    enrollment_status=Reseller.EnrollmentStatus.APPLIED, **details):
    organization = organization_create(kind=Kind.RESELLER, name=name, country=country, slug=slug)
    Reseller.objects.create(organization=organization, partner_id=partner_id,
                            enrollment_status=enrollment_status, **details)
    return organization


@transaction.atomic
def reseller_approve(*, reseller, actor, request=None):
    reseller = Reseller.objects.select_for_update().get(pk=reseller.pk)
    if reseller.enrollment_status == Reseller.EnrollmentStatus.APPROVED:
        return reseller
    if reseller.enrollment_status != Reseller.EnrollmentStatus.APPLIED:
        raise DomainError(_("Only an applied enrolment can be approved."))
    reseller.enrollment_status = Reseller.EnrollmentStatus.APPROVED
    reseller.enrollment_decided_at = timezone.now()
    reseller.save(update_fields=["enrollment_status", "enrollment_decided_at"])
    record(actor=actor, organization=reseller.organization, action="reseller.approved",
           target=reseller.organization, request=request)
    return reseller


@transaction.atomic
def partnership_create(*, provider, reseller, actor=None, request=None):
    if provider.kind != Kind.PROVIDER or reseller.kind != Kind.RESELLER:
        raise DomainError(_("A partnership joins a provider and a reseller."))
    existing = Partnership.objects.filter(provider=provider, reseller=reseller,
                                          status=Partnership.Status.ACTIVE).first()
    if existing:
        return existing
    partnership = Partnership.objects.create(provider=provider, reseller=reseller)
    for organization in (provider, reseller):
        record(actor=actor, organization=organization, action="partnership.created",
               target=partnership, request=request)
    return partnership

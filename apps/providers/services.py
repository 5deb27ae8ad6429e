"""Provider use cases."""

from django.db import transaction

from apps.organizations.roles import Kind
from apps.organizations.services import organization_create

from .models import Provider


@transaction.atomic
def provider_create(*, name, country="", partner_id="", slug=None):
    organization = organization_create(kind=Kind.PROVIDER, name=name, country=country, slug=slug)
    Provider.objects.create(organization=organization, partner_id=partner_id)
    return organization

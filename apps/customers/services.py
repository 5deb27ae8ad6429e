"""Customer use cases: each one transaction, each audited."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.organizations.models import Organization
from apps.organizations.roles import Kind
from apps.organizations.services import organization_create

from .models import Customer
from .selectors import admin_username, domain_prefix_available


def _taken(prefix):
    return DomainError(_("%(username)s is already taken. Choose another domain prefix.")
                       % {"username": admin_username(prefix)}, field="domain_prefix")


@transaction.atomic
def customer_create(*, provider, reseller, company_name, domain_prefix, country="", city="",
                    postal_code="", street="", contact_first_name="", contact_last_name="",
                    contact_email="", contact_phone="", language="en",
                    status=Customer.Status.PROVISIONING, actor, request=None):
    """A customer organization of `provider`, delegated to `reseller` (or direct when None)."""
    prefix = domain_prefix.strip().lower()
    if not domain_prefix_available(prefix):
        raise _taken(prefix)
    # The workspace slug is the domain prefix when no other organization has it.
    slug = None if Organization.objects.filter(slug=prefix).exists() else prefix
    try:
        with transaction.atomic():
            organization = organization_create(kind=Kind.CUSTOMER, name=company_name,
                                               country=country, slug=slug)
            customer = Customer.objects.create(
                organization=organization, provider=provider, reseller=reseller, status=status,
                domain_prefix=prefix, contact_first_name=contact_first_name,
                contact_last_name=contact_last_name, contact_email=contact_email,
                contact_phone=contact_phone, city=city, postal_code=postal_code, street=street,
                language=language)
    except IntegrityError as error:
        # Another submission took the prefix (or the slug) a moment ago.
        raise _taken(prefix) from error
    record(actor=actor, organization=provider, action="customer.created", target=customer,
           data={"domain_prefix": prefix, "reseller": reseller.name if reseller else None},
           request=request)
    return customer

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


# ------------------------------------------------------------------ delegation


@transaction.atomic
def customer_delegate(*, customer, reseller, actor=None, request=None):
    """Make `reseller` the customer's delegated admin. The caller has checked that the
    provider partners with it, and records the audit event of its use case."""
    Customer.objects.filter(pk=customer.pk).update(reseller=reseller)
    customer.reseller = reseller
    return customer


@transaction.atomic
def customer_undelegate(*, customer, actor=None, request=None):
    """End the delegated access of the customer's reseller (the row is locked first); the
    reseller it had, or None when it had none. The caller records the audit event."""
    locked = (Customer.objects.select_for_update(of=("self",)).select_related("reseller")
              .get(pk=customer.pk))
    reseller = locked.reseller
    if reseller is not None:
        locked.reseller = None
        locked.save(update_fields=["reseller"])
    customer.reseller = None
    return reseller


def customers_undelegate_for(*, provider, reseller):
    """The partnership ended: every customer of `provider` that `reseller` manages is
    managed by the provider again. How many changed (the caller audits and holds the
    transaction)."""
    return Customer.objects.filter(provider=provider, reseller=reseller).update(reseller=None)

"""factory-boy factories for the people and organizations the tests name."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from apps.catalog.models import Offer
from apps.customers.models import Customer
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Kind, Role
from apps.partnerships.models import Partnership
from apps.providers.models import Provider
from apps.resellers.models import Reseller
from apps.subscriptions.models import Subscription

PASSWORD = "Test-pass-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    kind = Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    country = "US"


class ProviderFactory(OrganizationFactory):
    kind = Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")
    extension = factory.RelatedFactory("tests.factories.ProviderExtensionFactory",
                                       factory_related_name="organization")


class ProviderExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider


class ResellerFactory(OrganizationFactory):
    kind = Kind.RESELLER
    name = factory.Sequence(lambda n: f"Reseller {n}")
    slug = factory.Sequence(lambda n: f"reseller-{n}")
    extension = factory.RelatedFactory("tests.factories.ResellerExtensionFactory",
                                       factory_related_name="organization")


class ResellerExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reseller

    partner_id = factory.Sequence(lambda n: f"{3000000 + n}")
    enrollment_status = Reseller.EnrollmentStatus.APPROVED


class CustomerOrgFactory(OrganizationFactory):
    kind = Kind.CUSTOMER
    name = factory.Sequence(lambda n: f"Customer {n}")
    slug = factory.Sequence(lambda n: f"customer-{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organization = factory.SubFactory(CustomerOrgFactory)
    # customer_create copies the organization's name (the Customers page's sort key).
    name = factory.SelfAttribute("organization.name")
    provider = factory.SubFactory(ProviderFactory)
    reseller = None
    domain_prefix = factory.Sequence(lambda n: f"customer{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(ProviderFactory)
    role = Role.ADMIN


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    provider = factory.SubFactory(ProviderFactory)
    reseller = factory.SubFactory(ResellerFactory)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    code = factory.Sequence(lambda n: f"offer-{n}")
    name = factory.Sequence(lambda n: f"Offer {n}")
    unit_price = "10.00"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    customer = factory.SubFactory(CustomerFactory)
    # subscription_create copies the customer's provider.
    provider = factory.SelfAttribute("customer.provider")
    # And its name (the Incentives page's order).
    customer_name = factory.SelfAttribute("customer.name")
    offer = factory.SubFactory(OfferFactory)
    quantity = 5
    term_end = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=365))


def member(organization, role=Role.ADMIN, **user_kwargs):
    """A user with a verified email who belongs to `organization` with `role`."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Order"

    provider = factory.SubFactory(ProviderFactory)
    customer = factory.SubFactory(CustomerFactory,
                                  provider=factory.SelfAttribute("..provider"))
    reseller = None
    kind = "new_customer"
    status = "completed"
    idempotency_key = factory.Faker("uuid4", cast_to=None)

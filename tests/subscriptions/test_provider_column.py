"""A subscription carries its customer's provider (the Indirect resellers page and the
dashboard count a provider's subscriptions from it, without joining customers)."""

from apps.subscriptions import services
from apps.subscriptions.models import Subscription


def test_a_purchase_and_its_upgrade_carry_the_customers_provider(customer, offers, reseller,
                                                                 provider, provider_admin):
    bought = services.subscription_create(customer=customer, offer=offers["basic"], quantity=3,
                                          reseller_of_record=reseller, support_contact=provider)
    assert Subscription.objects.get(pk=bought.pk).provider == provider == customer.provider
    upgraded = services.subscription_upgrade(subscription=bought, offer=offers["standard"],
                                             actor=provider_admin, organization=provider)
    assert Subscription.objects.get(pk=upgraded.pk).provider == provider

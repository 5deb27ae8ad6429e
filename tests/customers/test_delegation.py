"""customer_delegate / customer_undelegate: the customers app's one way to change who is a
customer's delegated reseller."""

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.customers.services import customer_delegate, customer_undelegate
from tests import factories


def test_delegate_sets_the_reseller_and_tells_its_log(provider, provider_admin):
    customer = factories.CustomerFactory(provider=provider, reseller=None)
    reseller = factories.ResellerFactory(name="Fabrikam Solutions")
    customer_delegate(customer=customer, reseller=reseller, actor=provider_admin)
    assert Customer.objects.get(pk=customer.pk).reseller == reseller
    event = AuditEvent.objects.get(action="customer.delegated")
    assert event.organization == reseller
    assert event.actor == provider_admin
    assert event.data == {"provider": provider.name}


def test_undelegate_clears_the_reseller_and_returns_it(customer, reseller):
    assert customer_undelegate(customer=customer) == reseller
    assert Customer.objects.get(pk=customer.pk).reseller is None
    assert AuditEvent.objects.get(action="customer.undelegated").organization == reseller
    assert customer_undelegate(customer=customer) is None  # nothing left to undo
    assert AuditEvent.objects.filter(action="customer.undelegated").count() == 1

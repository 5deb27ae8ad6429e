"""The customer's name on its Customer row (the Customers page's sort and search key) follows
its organization's: set when the customer is created, changed when the organization is
renamed."""

import pytest

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.errors import DomainError
from apps.organizations.services import organization_rename
from tests import factories


def _names(client, url="/o/contoso/customers/"):
    """The names the page lists, in order (each row shows its customer's name)."""
    return [customer.name for customer in client.get(url).context["list"].rows]


def test_a_new_customer_carries_its_organization_name(contoso, contoso_admin):
    customer = customer_create(provider=contoso, reseller=None, company_name="Margie's Travel",
                               domain_prefix="margies", actor=contoso_admin)
    customer.refresh_from_db()
    assert customer.name == "Margie's Travel" == customer.organization.name


def test_a_renamed_customer_is_listed_and_sorted_by_its_new_name(client, contoso, contoso_admin,
                                                                  adatum):
    factories.CustomerFactory(provider=contoso, organization__name="Blue Yonder Airlines")
    client.force_login(contoso_admin)
    assert _names(client) == ["Adatum Corporation", "Blue Yonder Airlines"]

    organization_rename(organization=adatum.organization, name="Wide World Importers",
                        actor=contoso_admin)

    assert Customer.objects.get(pk=adatum.pk).name == "Wide World Importers"
    assert _names(client) == ["Blue Yonder Airlines", "Wide World Importers"]
    assert _names(client, "/o/contoso/customers/?sort=-company") == [
        "Wide World Importers", "Blue Yonder Airlines"]
    # Search finds the new name, not the old one.
    assert _names(client, "/o/contoso/customers/?q=world") == ["Wide World Importers"]
    assert _names(client, "/o/contoso/customers/?q=corporation") == []
    event = AuditEvent.objects.get(action="organization.renamed")
    assert event.data == {"from": "Adatum Corporation", "to": "Wide World Importers"}


def test_the_reseller_sees_the_new_name_too(client, adatum, northwind_admin, contoso_admin):
    organization_rename(organization=adatum.organization, name="北京科技有限公司",
                        actor=contoso_admin)
    client.force_login(northwind_admin)
    assert _names(client, "/o/northwind/customers/?q=科技") == ["北京科技有限公司"]


def test_renaming_another_kind_of_organization_leaves_customers_alone(contoso, contoso_admin,
                                                                      adatum):
    organization_rename(organization=contoso, name="Contoso Cloud", actor=contoso_admin)
    adatum.refresh_from_db()
    assert adatum.name == "Adatum Corporation"
    assert adatum.provider.name == "Contoso Cloud"


def test_an_empty_name_is_refused_and_nothing_changes(adatum, contoso_admin):
    with pytest.raises(DomainError):
        organization_rename(organization=adatum.organization, name="  ", actor=contoso_admin)
    adatum.refresh_from_db()
    assert adatum.name == adatum.organization.name == "Adatum Corporation"

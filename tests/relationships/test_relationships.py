"""Reseller relationships for existing customers: the provider asks, the customer answers."""

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.organizations.roles import Role
from apps.relationships.models import ResellerRelationshipRequest
from tests import factories


@pytest.fixture
def direct_customer(provider):
    """A customer of Contoso with no reseller, and its admin."""
    customer = factories.CustomerFactory(provider=provider, organization__name="Litware Inc.",
                                         organization__slug="litware", domain_prefix="litware")
    factories.member(customer.organization, Role.ADMIN, email="admin@litware.test")
    return customer


@pytest.fixture
def litware_admin(direct_customer):
    return direct_customer.organization.memberships.get().user


def ask(client, customer, reseller, on_commit, message="Northwind knows your sector."):
    with on_commit():
        return client.post(f"/o/contoso/customers/{customer.pk}/reseller-request/",
                           {"reseller": str(reseller.pk), "message": message})


def test_customer_approves_and_the_reseller_gains_access(client, provider_admin, reseller,
                                                         reseller_admin, direct_customer,
                                                         litware_admin, on_commit):
    client.force_login(provider_admin)
    response = ask(client, direct_customer, reseller, on_commit)
    assert response.status_code == 302
    relationship = ResellerRelationshipRequest.objects.get()
    assert relationship.status == "pending"
    assert mail.outbox[-1].to == ["admin@litware.test"]
    assert "proposes Northwind Traders" in mail.outbox[-1].subject
    # Nothing changes before the customer answers.
    client.force_login(reseller_admin)
    assert client.get(f"/o/northwind/customers/{direct_customer.pk}/").status_code == 404

    client.force_login(litware_admin)
    page = client.get("/o/litware/partners/").content.decode()
    assert "Requests waiting for your answer" in page
    assert "Northwind knows your sector." in page
    with on_commit():
        client.post(f"/o/litware/partners/requests/{relationship.pk}/", {"action": "approve"})
    direct_customer.refresh_from_db()
    assert direct_customer.reseller == reseller
    assert mail.outbox[-1].to == ["admin@contoso.test"]
    assert "approved Northwind Traders" in mail.outbox[-1].subject
    page = client.get("/o/litware/partners/").content.decode()
    assert "Northwind Traders" in page
    assert "Remove access" in page

    client.force_login(reseller_admin)
    assert client.get(f"/o/northwind/customers/{direct_customer.pk}/").status_code == 200
    for org in (direct_customer.provider, direct_customer.organization, reseller):
        assert AuditEvent.objects.filter(organization=org, action="relationship.approved").exists()


def test_a_declined_request_changes_nothing(client, provider_admin, reseller, direct_customer,
                                            litware_admin, on_commit):
    client.force_login(provider_admin)
    ask(client, direct_customer, reseller, on_commit)
    relationship = ResellerRelationshipRequest.objects.get()
    client.force_login(litware_admin)
    with on_commit():
        client.post(f"/o/litware/partners/requests/{relationship.pk}/", {"action": "decline"})
    direct_customer.refresh_from_db()
    assert direct_customer.reseller is None
    relationship.refresh_from_db()
    assert relationship.status == "declined"
    assert "declined" in mail.outbox[-1].subject
    # Answering twice is refused politely.
    response = client.post(f"/o/litware/partners/requests/{relationship.pk}/",
                           {"action": "approve"}, follow=True)
    assert "already been answered" in response.content.decode()
    direct_customer.refresh_from_db()
    assert direct_customer.reseller is None


def test_only_partnered_resellers_and_one_request_at_a_time(client, provider_admin, reseller,
                                                            direct_customer, on_commit):
    stranger = factories.ResellerFactory(name="Unpartnered IT")
    client.force_login(provider_admin)
    response = ask(client, direct_customer, stranger, on_commit)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ResellerRelationshipRequest.objects.exists()

    ask(client, direct_customer, reseller, on_commit)
    page = client.get(f"/o/contoso/customers/{direct_customer.pk}/reseller-request/")
    assert "Waiting for the customer" in page.content.decode()
    assert ResellerRelationshipRequest.objects.count() == 1

    relationship = ResellerRelationshipRequest.objects.get()
    client.post(f"/o/contoso/customers/{direct_customer.pk}/reseller-request/"
                f"{relationship.pk}/withdraw/")
    relationship.refresh_from_db()
    assert relationship.status == "withdrawn"
    assert ask(client, direct_customer, reseller, on_commit).status_code == 302


def test_approval_is_refused_when_the_partnership_ended_meanwhile(client, provider_admin,
                                                                  reseller, direct_customer,
                                                                  litware_admin, on_commit):
    from apps.partnerships.models import Partnership

    client.force_login(provider_admin)
    ask(client, direct_customer, reseller, on_commit)
    Partnership.objects.filter(reseller=reseller).update(status="ended")
    relationship = ResellerRelationshipRequest.objects.get()
    client.force_login(litware_admin)
    response = client.post(f"/o/litware/partners/requests/{relationship.pk}/",
                           {"action": "approve"}, follow=True)
    assert "no longer partners" in response.content.decode()
    direct_customer.refresh_from_db()
    assert direct_customer.reseller is None


def test_the_customer_admin_removes_the_resellers_access(client, customer, customer_admin,
                                                         reseller, reseller_admin):
    subscription = factories.SubscriptionFactory(customer=customer, support_contact=reseller)
    client.force_login(customer_admin)
    confirm = client.get("/o/adatum/partners/remove-reseller/").content.decode()
    assert "Remove the access of Northwind Traders?" in confirm
    client.post("/o/adatum/partners/remove-reseller/")
    customer.refresh_from_db()
    subscription.refresh_from_db()
    assert customer.reseller is None
    assert subscription.support_contact == customer.provider
    assert subscription.status == "active"
    client.force_login(reseller_admin)
    assert client.get(f"/o/northwind/customers/{customer.pk}/").status_code == 404
    assert AuditEvent.objects.filter(organization=reseller, action="relationship.removed").exists()


def test_customer_users_see_partners_but_do_not_answer(client, customer, reseller,
                                                       provider_admin, on_commit):
    user = factories.member(customer.organization, Role.USER)
    relationship = ResellerRelationshipRequest.objects.create(
        provider=customer.provider, customer=customer.organization,
        reseller=factories.ResellerFactory())
    client.force_login(user)
    page = client.get("/o/adatum/partners/").content.decode()
    assert "Contoso Distribution" in page
    assert "Your organization's admin answers this request." in page
    assert client.post(f"/o/adatum/partners/requests/{relationship.pk}/",
                       {"action": "approve"}).status_code == 403
    assert client.get("/o/adatum/partners/remove-reseller/").status_code == 403


def test_other_tenants_get_404(client, outsider, customer_admin, direct_customer, reseller,
                               provider_admin, on_commit):
    client.force_login(provider_admin)
    ask(client, direct_customer, reseller, on_commit)
    relationship = ResellerRelationshipRequest.objects.get()
    client.force_login(outsider)
    assert client.get(f"/o/tailspin/customers/{direct_customer.pk}/reseller-request/"
                      ).status_code == 404
    # Adatum's admin cannot answer Litware's request.
    client.force_login(customer_admin)
    assert client.post(f"/o/adatum/partners/requests/{relationship.pk}/",
                       {"action": "approve"}).status_code == 404
    assert client.post(f"/o/adatum/partners/requests/{relationship.pk}/",
                       {"action": "junk"}).status_code == 404
    assert Customer.objects.get(pk=direct_customer.pk).reseller is None

"""Change reseller: the provider moves a customer from one partnered reseller to another,
with the customer's consent (a reseller relationship request): delegation, reseller of
record of its open subscriptions, designated support contacts and the support requests
about them follow; every side sees it in its audit log."""

import pytest

from apps.audit.models import AuditEvent
from apps.relationships import services
from apps.relationships.models import ResellerRelationshipRequest
from apps.subscriptions.models import Subscription
from apps.support.models import SupportRequest
from tests import factories


@pytest.fixture
def adatum_world(customer, reseller, provider, offers):
    """Adatum (Northwind's): a subscription Northwind supports and is credited for, one the
    provider supports, a cancelled one, and two support requests Northwind handles."""
    supported = factories.SubscriptionFactory(customer=customer, offer=offers["basic"],
                                              reseller_of_record=reseller,
                                              support_contact=reseller)
    provider_supported = factories.SubscriptionFactory(customer=customer,
                                                       offer=offers["standard"],
                                                       reseller_of_record=reseller,
                                                       support_contact=provider)
    cancelled = factories.SubscriptionFactory(customer=customer, offer=offers["premium"],
                                              reseller_of_record=reseller,
                                              support_contact=reseller,
                                              status=Subscription.Status.CANCELLED)
    about = SupportRequest.objects.create(customer=customer.organization, handled_by=reseller,
                                          subscription=supported, title="Mailbox")
    general = SupportRequest.objects.create(customer=customer.organization,
                                            handled_by=reseller, title="Invoice")
    return {"supported": supported, "provider_supported": provider_supported,
            "cancelled": cancelled, "about": about, "general": general}


def test_change_reseller_with_the_customers_consent(client, provider_admin, customer, reseller,
                                                    fabrikam_partnered, adatum_admin,
                                                    adatum_world, provider, on_commit):
    client.force_login(provider_admin)
    detail = client.get(f"/o/contoso/customers/{customer.pk}/").content.decode()
    assert "Change reseller" in detail
    page = client.get(f"/o/contoso/customers/{customer.pk}/reseller-request/").content.decode()
    assert "Change reseller:" in page
    assert "Northwind Traders loses its access" in page
    with on_commit():
        response = client.post(f"/o/contoso/customers/{customer.pk}/reseller-request/",
                               {"reseller": str(fabrikam_partnered.pk), "message": ""})
    assert response.status_code == 302
    relationship = ResellerRelationshipRequest.objects.get()
    # Nothing moves before the customer answers.
    customer.refresh_from_db()
    assert customer.reseller == reseller

    client.force_login(adatum_admin)
    partners = client.get("/o/adatum/partners/").content.decode()
    assert "It replaces Northwind Traders" in partners
    with on_commit():
        client.post(f"/o/adatum/partners/requests/{relationship.pk}/", {"action": "approve"})
    customer.refresh_from_db()
    assert customer.reseller == fabrikam_partnered

    subs = {k: Subscription.objects.get(pk=v.pk) for k, v in adatum_world.items()
            if k in ("supported", "provider_supported", "cancelled")}
    assert subs["supported"].reseller_of_record == fabrikam_partnered
    assert subs["supported"].support_contact == fabrikam_partnered
    assert subs["provider_supported"].reseller_of_record == fabrikam_partnered
    assert subs["provider_supported"].support_contact == provider
    # A cancelled subscription is history: it stays as it was.
    assert subs["cancelled"].reseller_of_record == reseller
    # The request about a subscription follows its support contact; the others go to the
    # provider (as when a customer removes its reseller).
    adatum_world["about"].refresh_from_db()
    adatum_world["general"].refresh_from_db()
    assert adatum_world["about"].handled_by == fabrikam_partnered
    assert adatum_world["general"].handled_by == provider

    approved = AuditEvent.objects.filter(action="relationship.approved")
    assert {e.organization for e in approved} == {provider, customer.organization,
                                                  fabrikam_partnered, reseller}
    assert all(e.data["previous_reseller"] == "Northwind Traders" for e in approved)
    assert AuditEvent.objects.filter(action="subscription.reseller_of_record_changed",
                                     organization=provider).count() == 2
    assert AuditEvent.objects.filter(action="support.handler_changed",
                                     organization=reseller).count() == 2

    # Northwind no longer sees the customer; Fabrikam does.
    northwind_admin = factories.member(reseller, "admin")
    client.force_login(northwind_admin)
    assert client.get(f"/o/northwind/customers/{customer.pk}/").status_code == 404
    fabrikam_admin = factories.member(fabrikam_partnered, "admin")
    client.force_login(fabrikam_admin)
    assert client.get(f"/o/fabrikam/customers/{customer.pk}/").status_code == 200


def test_declined_nothing_moves(customer, reseller, fabrikam_partnered, provider,
                                provider_admin, adatum_admin, adatum_world):
    relationship = services.relationship_request_create(
        provider=provider, customer=customer, reseller=fabrikam_partnered, actor=provider_admin)
    services.relationship_request_answer(relationship=relationship, approve=False,
                                         actor=adatum_admin)
    customer.refresh_from_db()
    assert customer.reseller == reseller
    adatum_world["supported"].refresh_from_db()
    assert adatum_world["supported"].support_contact == reseller
    assert not AuditEvent.objects.filter(action="relationship.approved").exists()


def test_a_direct_customer_gains_a_reseller_as_before(customer, reseller, provider,
                                                      provider_admin, adatum_admin):
    from apps.customers.services import customer_undelegate

    customer_undelegate(customer=customer)
    relationship = services.relationship_request_create(
        provider=provider, customer=customer, reseller=reseller, actor=provider_admin)
    services.relationship_request_answer(relationship=relationship, approve=True,
                                         actor=adatum_admin)
    customer.refresh_from_db()
    assert customer.reseller == reseller
    event = AuditEvent.objects.filter(action="relationship.approved").first()
    assert "previous_reseller" not in event.data


def test_the_same_reseller_cannot_be_asked_again(customer, reseller, provider, provider_admin):
    from apps.errors import DomainError

    with pytest.raises(DomainError, match="already manages this customer"):
        services.relationship_request_create(provider=provider, customer=customer,
                                             reseller=reseller, actor=provider_admin)
